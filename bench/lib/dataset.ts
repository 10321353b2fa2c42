import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { copyFile, link, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

/** An index folder built by the product's ingestion, whose stored vectors every section reuses. */
export interface Dataset {
  indexDir: string;
  vectorsFile: string;
  count: number;
}

/** The first `count` records of a JSONL(.gz) file, written as plain JSONL (kept if already there). */
export async function writeSlice(dataFile: string, count: number, out: string): Promise<string> {
  if (existsSync(out)) return out;
  const input = createReadStream(dataFile);
  const lines = createInterface({ input: dataFile.endsWith('.gz') ? input.pipe(createGunzip()) : input });
  const output = createWriteStream(`${out}.partial`);
  let written = 0;
  for await (const line of lines) {
    if (!line.trim()) continue;
    output.write(`${line}\n`);
    if (++written >= count) break;
  }
  lines.close();
  input.destroy();
  output.end();
  await finished(output);
  execFileSync('mv', [`${out}.partial`, out]);
  return out;
}

function indexCount(indexDir: string): number | undefined {
  const manifest = join(indexDir, 'manifest.json');
  return existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { count: number }).count : undefined;
}

/** Runs the product's ingestion CLI; returns its stderr (the summary with papers/s). */
export function ingest(input: string, indexDir: string, env: NodeJS.ProcessEnv = {}): { stderr: string; wallMs: number } {
  const started = performance.now();
  const run = spawnSync(process.execPath, ['dist/cli/main.js', 'ingest', '--input', input, '--index', indexDir], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`ingestion of ${input} failed (${run.status}):\n${run.stderr}`);
  return { stderr: run.stderr, wallMs: performance.now() - started };
}

/**
 * The index every section measures. Embedding is the slow part (about 36 min for the 74,728
 * papers here), so it is done once and kept in bench/.cache; an identical index already built
 * elsewhere (`seedIndex`, e.g. by an earlier ingestion) is linked in instead of re-embedded.
 */
export async function prepareDataset(options: { dataFile: string; papers: number | 'all'; cacheDir: string; seedIndex?: string }): Promise<Dataset> {
  const indexDir = join(options.cacheDir, options.papers === 'all' ? 'index-all' : `index-${options.papers}`);
  if (indexCount(indexDir) === undefined) {
    const seed = options.seedIndex;
    if (options.papers === 'all' && seed && indexCount(seed) !== undefined) {
      console.error(`bench: reusing the vectors of ${seed} (linked into ${indexDir})`);
      await mkdir(indexDir, { recursive: true });
      for (const file of await readdir(seed)) await link(join(seed, file), join(indexDir, file)).catch(() => copyFile(join(seed, file), join(indexDir, file)));
    } else {
      const input =
        options.papers === 'all'
          ? options.dataFile
          : await writeSlice(options.dataFile, options.papers, join(options.cacheDir, `papers-${options.papers}.jsonl`));
      console.error(
        `bench: embedding ${options.papers === 'all' ? 'every paper' : `the first ${options.papers} papers (or all, if it holds fewer)`} of ${options.dataFile} into ${indexDir} with the product's ingestion (once; later runs reuse it)`,
      );
      ingest(input, indexDir);
    }
  }
  return { indexDir, vectorsFile: join(indexDir, 'vectors.f32'), count: indexCount(indexDir)! };
}
