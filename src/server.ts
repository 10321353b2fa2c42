import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { walDirOf, type Config } from './config/config.js';
import type { Embedder } from './embedding/embedder.js';
import { loadEmbedder } from './embedding/load-embedder.js';
import { getModel, parseLongPassages, withLongPassages } from './embedding/model-registry.js';
import { QueryCachingEmbedder } from './embedding/query-cache.js';
import { AppError } from './errors.js';
import { ApiKeys } from './http/auth.js';
import { createApp } from './http/app.js';
import { restoreInterruptedReplace } from './shared/fs-atomic.js';
import { openIndexFolder } from './storage/embedded/index-folder.js';
import { LiveIndex } from './storage/embedded/live-index.js';
import { readManifest } from './storage/embedded/manifest.js';
import type { Logger } from './log.js';
import { SearchService } from './search/search-service.js';
import { ServiceState } from './service-state.js';
import { WriteService } from './writes/write-service.js';

export interface RunningServer {
  url: string;
  state: ServiceState;
  /** Settles when the model and index are loaded and the model is warm (rejects if they cannot be). */
  ready: Promise<void>;
  /** Stops accepting connections, lets in-flight requests finish (up to the shutdown timeout), frees the model. */
  close(): Promise<void>;
}

/**
 * Listens at once (so /healthz and /readyz answer during start-up), then loads the index, the
 * model it was built with, and warms the model.
 */
export async function startServer(config: Config, log: Logger): Promise<RunningServer> {
  const state = new ServiceState();
  const app = createApp({
    state,
    log,
    maxBodyBytes: config.MAX_BODY_BYTES,
    writeMaxBodyBytes: config.WRITE_MAX_BODY_BYTES,
    apiKeys: new ApiKeys(config.API_KEYS),
    authReads: config.AUTH_READS,
  });
  const server = await listen(app, config.PORT, config.HOST);
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}`;
  log.info({ url }, 'listening');

  let embedder: Embedder | undefined;
  let writes: WriteService | undefined;
  const ready = (async () => {
    const started = performance.now();
    if (await restoreInterruptedReplace(config.INDEX_DIR))
      log.warn(
        { index: config.INDEX_DIR },
        'a snapshot swap was interrupted by a crash; restored the previous index folder (the write-ahead log replays the rest)',
      );
    const manifest = await readManifest(config.INDEX_DIR);
    if (config.MODEL && config.MODEL !== manifest.model.id) {
      throw new AppError(
        'index_incompatible',
        `MODEL is ${config.MODEL} but the index at ${config.INDEX_DIR} was built with ${manifest.model.id}. ` +
          `Unset MODEL to serve this index, or rebuild it: npm run ingest -- --input <papers file> --index ${config.INDEX_DIR} --model ${config.MODEL}`,
      );
    }
    const model = withLongPassages(getModel(manifest.model.id), parseLongPassages(manifest.model.longPassages));
    const [loadedEmbedder, loadedIndex] = await Promise.allSettled([
      loadEmbedder(model, config, log),
      openIndexFolder(config.INDEX_DIR, model, config.HNSW_EF_SEARCH),
    ]);
    if (loadedEmbedder.status === 'fulfilled') embedder = loadedEmbedder.value;
    if (loadedEmbedder.status === 'rejected') throw loadedEmbedder.reason;
    if (loadedIndex.status === 'rejected') throw loadedIndex.reason;
    const index = new LiveIndex(loadedIndex.value);
    const service = new SearchService(index, new QueryCachingEmbedder(loadedEmbedder.value, config.QUERY_CACHE_SIZE), config.SEARCH_MODE);
    writes = await WriteService.open(service, {
      walDir: walDirOf(config),
      model,
      efSearch: config.HNSW_EF_SEARCH,
      snapshotAfterOperations: config.SNAPSHOT_AFTER_WRITES,
      snapshotAfterMs: config.SNAPSHOT_INTERVAL_MS,
      acceptsWrites: config.API_KEYS.length > 0,
      log,
    });
    await service.warmUp();
    if (state.phase === 'stopping') return;
    state.markReady(service, writes);
    log.info({ papers: index.papers.liveCount, pendingWrites: index.pendingOperations, model: model.id, ms: Math.round(performance.now() - started) }, 'ready');
  })();
  // The caller decides what a failed start-up means; this only keeps it from being unhandled.
  ready.catch(() => undefined);

  const close = async () => {
    state.markStopping();
    await closeGracefully(server, config.SHUTDOWN_TIMEOUT_MS, log);
    await ready.catch(() => undefined);
    await writes?.close();
    await embedder?.dispose();
  };
  return { url, state, ready, close };
}

function listen(app: ReturnType<typeof createApp>, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES'
          ? new AppError(
              'config_invalid',
              `Cannot listen on ${host}:${port}: ${error.code === 'EADDRINUSE' ? 'the port is in use' : 'permission denied'}. Set PORT to another port.`,
            )
          : error,
      ),
    );
  });
}

async function closeGracefully(server: Server, timeoutMs: number, log: Logger): Promise<void> {
  // Stop listening, but do not use server.close() at once: it also destroys every connection
  // without a request in progress, including ones whose request bytes are already in the socket
  // buffer, which the client rightly counts as in flight. Requests from now on are told to close
  // their connection; connections still idle a moment later are genuinely idle and are closed.
  await new Promise((resolve) => setImmediate(resolve)); // let connections already queued be accepted
  server.on('request', (_request: IncomingMessage, response: ServerResponse) => response.setHeader('Connection', 'close'));
  const closed = new Promise<void>((resolve) => net.Server.prototype.close.call(server, () => resolve()));
  const idleSweep = setInterval(() => server.closeIdleConnections(), 200);
  const deadline = setTimeout(() => {
    log.warn({ timeoutMs }, 'in-flight requests did not finish in time; closing their connections');
    server.closeAllConnections();
  }, timeoutMs);
  await closed;
  clearInterval(idleSweep);
  clearTimeout(deadline);
}
