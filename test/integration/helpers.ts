import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig, type Config } from '../../src/config/config.js';
import type { WorkerEmbedder } from '../../src/embedding/worker-embedder.js';
import { loadEmbedder } from '../../src/embedding/load-embedder.js';
import { getModel } from '../../src/embedding/model-registry.js';
import { ingestPapers } from '../../src/ingest/ingest.js';
import { createLogger } from '../../src/log.js';
import { startServer, type RunningServer } from '../../src/server.js';
import type { Express } from 'express';
import { createApp } from '../../src/http/app.js';
import { ApiKeys } from '../../src/http/auth.js';
import { ServiceMetrics } from '../../src/metrics/service-metrics.js';
import { ServiceState } from '../../src/service-state.js';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const samplePapers = join(repoRoot, 'index-data/samples/seed-papers.jsonl');
export const fixtures = join(repoRoot, 'test/fixtures');
export const silentLog = createLogger('silent');

/**
 * The storage backend the API suites run on: `embedded`, or `weaviate` with TEST_BACKEND=weaviate
 * and the cluster's WEAVIATE_URL and WEAVIATE_GRPC (as `scripts/weaviate/cluster.sh start` prints
 * them). `npm test` runs the API suites once more on Weaviate when a cluster is configured.
 */
export const testBackend = process.env.TEST_BACKEND === 'weaviate' ? 'weaviate' : 'embedded';

/** For a test that inspects the embedded backend's internals (log files, snapshots): why it does not run on another. */
export function embeddedOnly(reason: string): { skip?: string } {
  return testBackend === 'embedded' ? {} : { skip: `embedded backend only: ${reason}` };
}

/**
 * The order `GET /v1/papers` lists papers in, given them in index order: the embedded backend
 * lists in index order, Weaviate in the order of the object UUIDs (its cursor API's order).
 */
export async function listOrder(ids: readonly string[]): Promise<string[]> {
  if (testBackend === 'embedded') return [...ids];
  const { paperUuid } = await import('../../src/storage/weaviate/paper-object.js');
  return [...ids].sort((a, b) => (paperUuid(a) < paperUuid(b) ? -1 : 1));
}

/** The environment that points the product at the test backend. */
function backendEnvironment(): Record<string, string> {
  if (testBackend === 'embedded') return {};
  const { WEAVIATE_URL, WEAVIATE_GRPC } = process.env;
  if (!WEAVIATE_URL || !WEAVIATE_GRPC)
    throw new Error('TEST_BACKEND=weaviate needs WEAVIATE_URL and WEAVIATE_GRPC (eval "$(scripts/weaviate/cluster.sh start)")');
  const layout = Object.fromEntries(
    (['WEAVIATE_SHARDS', 'WEAVIATE_REPLICATION_FACTOR', 'WEAVIATE_CONSISTENCY'] as const).flatMap((name) =>
      process.env[name] ? [[name, process.env[name]!]] : [],
    ),
  );
  return { BACKEND: 'weaviate', WEAVIATE_URL, WEAVIATE_GRPC, ...layout };
}

/** Test configuration: the repository's model folder (fetched by CI beforehand, or on demand), on the test backend. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ MODEL_DIR: join(repoRoot, 'models'), LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1', ...backendEnvironment(), ...overrides });
}

export async function makeTempDir(prefix = 'paper-search-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Removes a folder and, on Weaviate, the collections of the index folders in it. */
export async function removeDir(path: string): Promise<void> {
  if (testBackend === 'weaviate') await dropCollectionsUnder(path);
  await rm(path, { recursive: true, force: true });
}

async function dropCollectionsUnder(path: string): Promise<void> {
  const { readCollectionPointer } = await import('../../src/storage/weaviate/collection-pointer.js');
  const { dropCollection } = await import('./weaviate-support.js');
  const folders = [path, ...(await readdir(path).catch(() => [] as string[])).map((name) => join(path, name))];
  for (const folder of folders) {
    const pointer = await readCollectionPointer(folder).catch(() => undefined);
    if (pointer) await dropCollection(testConfig(), pointer.alias);
  }
}

export async function loadTestEmbedder(modelId = 'all-MiniLM-L6-v2'): Promise<WorkerEmbedder> {
  return loadEmbedder(getModel(modelId), testConfig(), silentLog);
}

/**
 * Builds a real index of `input` with the real model through the product's ingestion code, on the
 * test backend (on Weaviate, under an alias of its own, so suites never share a collection).
 */
export async function buildIndex(indexDir: string, input = samplePapers, modelId = 'all-MiniLM-L6-v2'): Promise<void> {
  const embedder = await loadTestEmbedder(modelId);
  const storage = testBackend === 'weaviate' ? testConfig({ WEAVIATE_COLLECTION: `Test${randomBytes(6).toString('hex')}` }) : undefined;
  try {
    await ingestPapers(embedder, { input, format: 'jsonl', indexDir, storage, log: silentLog });
  } finally {
    await embedder.dispose();
  }
}

/** The Express app as the server builds it, with no service behind it yet (as during start-up). */
export function appWithoutService(): Express {
  return createApp({
    state: new ServiceState(),
    log: silentLog,
    settings: testConfig(),
    apiKeys: new ApiKeys([]),
    metrics: new ServiceMetrics(
      () => undefined,
      () => undefined,
    ),
  });
}

/** The real server on a random port, serving `indexDir`, ready to answer. */
export async function startTestServer(indexDir: string, overrides: Record<string, string> = {}): Promise<RunningServer> {
  const server = await startServer(testConfig({ INDEX_DIR: indexDir, ...overrides }), silentLog);
  await server.ready;
  return server;
}

export interface JsonResponse<Body = unknown> {
  status: number;
  headers: Headers;
  body: Body;
}

export async function request<Body = Record<string, unknown>>(
  baseUrl: string,
  path: string,
  init: { method?: string; json?: unknown; body?: string | Uint8Array<ArrayBuffer>; headers?: Record<string, string> } = {},
): Promise<JsonResponse<Body>> {
  const headers: Record<string, string> = { ...init.headers };
  let body = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${baseUrl}${path}`, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text.length > 0 ? JSON.parse(text) : undefined) as Body };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The `paper-search` command line from source, with node's arguments to run it. */
export const cliEntry = ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts')];

/** Runs a `paper-search` command (`ingest`, `serve`, `search`...) as a separate process, `input` on its standard input (none when absent). */
export function runCli(command: string, args: string[], env: Record<string, string> = {}, input?: string | Uint8Array): Promise<CliResult> {
  return startCli([...command.split(' ').filter(Boolean), ...args], env, input).result;
}

/** A `paper-search` command started as runCli starts it, to be signalled while it runs: the process, and what it printed once it ends. */
export function startCli(args: string[], env: Record<string, string> = {}, input?: string | Uint8Array): { child: ChildProcess; result: Promise<CliResult> } {
  const child = spawn(process.execPath, [...cliEntry, ...args], {
    cwd: repoRoot,
    env: { ...process.env, MODEL_DIR: join(repoRoot, 'models'), LOG_LEVEL: 'warn', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // Ended at once when there is no input, as /dev/null would be.
  child.stdin.end(input);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const result = new Promise<CliResult>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
  return { child, result };
}
