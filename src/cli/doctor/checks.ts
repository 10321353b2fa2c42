import { existsSync } from 'node:fs';
import { stat, statfs } from 'node:fs/promises';
import net from 'node:net';
import { join, resolve } from 'node:path';
import type { Config } from '../../config/config.js';
import { checkModelFiles, modelFolder } from '../../embedding/model-files.js';
import { defaultModelId, getModel, modelAsRecorded, type ModelDescription } from '../../embedding/model-registry.js';
import { AppError, isAppError } from '../../errors.js';
import { nearestExisting } from '../../shared/fs-atomic.js';
import { webPageFolder } from '../../http/routes/web-routes.js';
import { assertManifestMatchesModel, modelOfManifest, readManifest, type Manifest } from '../../storage/embedded/manifest.js';
import { readAliasMetadata } from '../../storage/weaviate/alias-watch.js';
import { readCollectionPointer, type CollectionPointer } from '../../storage/weaviate/collection-pointer.js';
import { assertMetadataMatchesModel } from '../../storage/weaviate/collection-schema.js';
import { connectWeaviate } from '../../storage/weaviate/weaviate-connection.js';
import { embeddedFolderChecks } from './folder-checks.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

/** One line of `paper-search doctor`: what was checked, what was found, and how to fix it when it is not ok. */
export interface CheckResult {
  check: string;
  status: CheckStatus;
  message: string;
  fix?: string;
}

/** Below this much free space a snapshot or a rebuild of a large index may not fit. */
const comfortableFreeBytes = 1024 ** 3;
const minimumNodeVersion = [22, 12] as const;

/** Every check, in an order where each can use what the ones before found. */
export async function runChecks(config: Config): Promise<CheckResult[]> {
  const results: CheckResult[] = [checkNode()];
  const index = await inspectIndex(config);
  const models = modelsToCheck(config, index.manifest);
  for (const model of models) results.push(await checkModel(config, model));
  results.push(index.result);
  if (index.manifest && index.result.status !== 'fail') results.push(...(await embeddedFolderChecks(config, index.manifest)));
  results.push(await checkDisk(config, index.manifest));
  results.push(await checkPort(config));
  results.push(checkWebPage());
  return results;
}

function checkNode(): CheckResult {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const [wantMajor, wantMinor] = minimumNodeVersion;
  const recent = major > wantMajor || (major === wantMajor && minor >= wantMinor);
  return recent
    ? { check: 'node', status: 'ok', message: `Node.js ${process.versions.node}` }
    : {
        check: 'node',
        status: 'fail',
        message: `Node.js ${process.versions.node} is older than ${wantMajor}.${wantMinor}`,
        fix: 'install Node.js 22, 24 or 26 (LTS)',
      };
}

/** The index's model when there is an index; MODEL (or the default) otherwise; both when they differ. */
function modelsToCheck(config: Config, manifest: Manifest | undefined): ModelDescription[] {
  const ids = new Set<string>();
  if (manifest) ids.add(manifest.model.id);
  if (config.MODEL || !manifest) ids.add(config.MODEL ?? defaultModelId);
  return [...ids].flatMap((id) => {
    try {
      return [getModel(id)];
    } catch {
      return [];
    }
  });
}

async function checkModel(config: Config, model: ModelDescription): Promise<CheckResult> {
  const problem = await checkModelFiles(config.MODEL_DIR, model);
  if (problem === null) {
    return { check: 'model', status: 'ok', message: `${model.id}: files present, ONNX checksum matches (${modelFolder(config.MODEL_DIR, model)})` };
  }
  return { check: 'model', status: 'fail', message: `${model.id}: ${problem.message}`, fix: `paper-search model fetch --model ${model.id}` };
}

async function inspectIndex(config: Config): Promise<{ manifest?: Manifest; result: CheckResult }> {
  const folder = config.INDEX_DIR;
  const pointer = await readCollectionPointer(folder).catch(() => undefined);
  if (pointer) {
    const { error: _thrownByVerify, ...result } = await collectionPointerCheck(config, folder, pointer);
    return { result };
  }
  let manifest: Manifest;
  try {
    manifest = await readManifest(folder);
  } catch (error) {
    if (isAppError(error) && error.code === 'index_missing') {
      return {
        result: {
          check: 'index',
          status: 'fail',
          message: `no index at ${folder}`,
          fix: `paper-search ingest --input <papers file> --index ${folder}   (or paper-search start, which indexes the sample papers)`,
        },
      };
    }
    return {
      result: {
        check: 'index',
        status: 'fail',
        message: error instanceof Error ? error.message : String(error),
        fix: `rebuild it: paper-search ingest --input <papers file> --index ${folder}`,
      },
    };
  }
  if (config.BACKEND === 'weaviate') {
    return {
      result: {
        check: 'index',
        status: 'fail',
        message: `${folder} is an embedded index folder, but BACKEND is weaviate`,
        fix: `serve it with BACKEND=embedded, or load its papers into Weaviate: BACKEND=weaviate paper-search ingest --input <papers file> --index ${folder}`,
      },
    };
  }
  const missing = Object.values(manifest.files).filter((file) => !existsSync(join(folder, file)));
  if (missing.length > 0) {
    return {
      manifest,
      result: {
        check: 'index',
        status: 'fail',
        message: `${folder} lacks ${missing.join(', ')}`,
        fix: `rebuild it: paper-search ingest --input <papers file> --index ${folder}`,
      },
    };
  }
  try {
    const model = modelOfManifest(manifest);
    assertManifestMatchesModel(manifest, model, folder);
    if (config.MODEL && config.MODEL !== model.id) {
      return {
        manifest,
        result: {
          check: 'index',
          status: 'fail',
          message: `${folder} was built with ${model.id}, but MODEL is ${config.MODEL}`,
          fix: `unset MODEL to serve it, or rebuild: paper-search ingest --input <papers file> --index ${folder} --model ${config.MODEL}`,
        },
      };
    }
  } catch (error) {
    return {
      manifest,
      result: {
        check: 'index',
        status: 'fail',
        message: error instanceof Error ? error.message : String(error),
        fix: `rebuild it: paper-search ingest --input <papers file> --index ${folder}`,
      },
    };
  }
  return {
    manifest,
    result: {
      check: 'index',
      status: 'ok',
      message: `${folder}: ${manifest.count.toLocaleString('en')} papers, format ${manifest.formatVersion}, model ${manifest.model.id}, built ${manifest.createdAt}`,
    },
  };
}

/**
 * A folder whose papers live in Weaviate: its manifest names the collection; the embedded index's
 * checks do not apply. It must be served with BACKEND=weaviate, and the cluster is asked what its
 * alias names, as `serve` will: a folder whose cluster cannot be reached, or whose alias names a
 * build of another model, passed before and could not be served. Doctor's index line, and
 * verify's verdict, which throws `error`.
 */
export async function collectionPointerCheck(config: Config, folder: string, pointer: CollectionPointer): Promise<CheckResult & { error?: AppError }> {
  const message = `${folder}: papers in the Weaviate collection ${pointer.collection} (alias ${pointer.alias}), ${pointer.count.toLocaleString('en')} at its build, model ${pointer.model.id}, built ${pointer.createdAt}`;
  if (config.BACKEND !== 'weaviate') {
    const fix = 'serve it with BACKEND=weaviate and WEAVIATE_URL (see docs/scaling-out.md)';
    return { check: 'index', status: 'fail', message, fix, error: new AppError('config_invalid', `${message}. Fix: ${fix}`) };
  }
  try {
    const client = await connectWeaviate(config);
    try {
      const metadata = await readAliasMetadata(client, pointer.alias);
      assertMetadataMatchesModel(metadata, modelAsRecorded(pointer.model), pointer.alias);
      return { check: 'index', status: 'ok', message: `${message}; the cluster answers, and ${pointer.alias} names a build of ${metadata.model.id}` };
    } finally {
      await client.close();
    }
  } catch (error) {
    const fix = 'check WEAVIATE_URL and WEAVIATE_GRPC, or rebuild the collection: paper-search ingest (see docs/scaling-out.md)';
    // The cluster's verdict is a sentence of its own ("No Weaviate collection …"), not a clause.
    const failure = `${message}: ${(error instanceof Error ? error.message : String(error)).replace(/\.$/, '')}`;
    // The cluster's own verdict keeps its code: another model's build, a missing alias, a cluster that does not answer.
    const code = isAppError(error) ? error.code : 'storage_unavailable';
    return { check: 'index', status: 'fail', message: failure, fix, error: new AppError(code, `${failure}. Fix: ${fix}`, { cause: error }) };
  }
}

/** Free space where the index lives: a snapshot or a rebuild writes a whole new folder beside it. */
async function checkDisk(config: Config, manifest: Manifest | undefined): Promise<CheckResult> {
  const place = nearestExisting(resolve(config.INDEX_DIR));
  const info = await statfs(place);
  const free = info.bavail * info.bsize;
  const indexBytes = manifest ? await folderFilesSize(config.INDEX_DIR, Object.values(manifest.files)) : 0;
  const message = `${formatBytes(free)} free at ${place}${manifest ? ` (the index takes ${formatBytes(indexBytes)})` : ''}`;
  if (free < indexBytes * 1.1 + 50 * 1024 ** 2) {
    return { check: 'disk', status: 'fail', message, fix: 'free some space: a snapshot or a rebuild writes a new copy of the index beside it' };
  }
  if (free < comfortableFreeBytes) return { check: 'disk', status: 'warn', message, fix: 'free some space before ingesting a large collection' };
  return { check: 'disk', status: 'ok', message };
}

/** Whether HOST:PORT is free to serve on; if not, whether a paper-search is the one using it. */
async function checkPort(config: Config): Promise<CheckResult> {
  if (config.PORT === 0) return { check: 'port', status: 'ok', message: 'PORT is 0: any free port will do' };
  const address = `${config.HOST}:${config.PORT}`;
  const problem = await new Promise<string | undefined>((done) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
    probe.listen(config.PORT, config.HOST, () => probe.close(() => done(undefined)));
  });
  if (problem === undefined) return { check: 'port', status: 'ok', message: `${address} is free` };
  if (problem === 'EADDRINUSE') {
    const host = config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST;
    const ready = await fetch(`http://${host.includes(':') ? `[${host}]` : host}:${config.PORT}/readyz`, { signal: AbortSignal.timeout(2_000) })
      .then(async (response) => ((await response.json()) as { status?: string }).status)
      .catch(() => undefined);
    if (ready !== undefined) {
      return {
        check: 'port',
        status: 'warn',
        message: `${address} is in use by a running paper-search (${ready})`,
        fix: 'stop it first, or serve on another port: paper-search serve --port 8081',
      };
    }
    return {
      check: 'port',
      status: 'fail',
      message: `${address} is in use by another program`,
      fix: 'serve on another port: paper-search serve --port 8081 (or PORT=8081)',
    };
  }
  return {
    check: 'port',
    status: 'fail',
    message: `cannot listen on ${address}: ${problem}`,
    fix: 'choose another HOST or PORT (ports under 1024 need privileges)',
  };
}

function checkWebPage(): CheckResult {
  const folder = webPageFolder();
  return existsSync(join(folder, 'index.html'))
    ? { check: 'page', status: 'ok', message: `search page built (${folder})` }
    : { check: 'page', status: 'fail', message: `the search page is not built (${folder} is missing)`, fix: 'npm run build (in the package folder)' };
}

async function folderFilesSize(folder: string, files: readonly string[]): Promise<number> {
  const sizes = await Promise.all(
    files.map((file) =>
      stat(join(folder, file)).then(
        (info) => info.size,
        () => 0,
      ),
    ),
  );
  return sizes.reduce((sum, size) => sum + size, 0);
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value >= 10 || unit === 0 ? 0 : 1)} ${units[unit]}`;
}
