import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Config } from './config/config.js';
import { AppError } from './errors.js';
import { ApiKeys } from './http/auth.js';
import { createApp } from './http/app.js';
import { answerUnparsableRequest } from './http/unparsable-request.js';
import type { Logger } from './log.js';
import { ServiceMetrics } from './metrics/service-metrics.js';
import { openServices, type Services } from './services.js';
import { ServiceState } from './service-state.js';

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
  let services: Services | undefined;
  const metrics = new ServiceMetrics(
    () => services?.storage,
    () => services?.modelQueue(),
  );
  const app = createApp({ state, log, settings: config, apiKeys: new ApiKeys(config.API_KEYS), metrics });
  const server = await listen(app, config.PORT, config.HOST);
  server.on('clientError', answerUnparsableRequest);
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}`;
  log.info({ url }, 'listening');

  const ready = (async () => {
    services = await openServices(config, log, metrics.schedulerObserver);
    if (state.phase === 'stopping') return;
    state.markReady(services.search, services.writes);
    log.info('ready');
  })();
  // The caller decides what a failed start-up means; this only keeps it from being unhandled.
  ready.catch(() => undefined);

  const close = async () => {
    state.markStopping();
    await closeGracefully(server, config.SHUTDOWN_TIMEOUT_MS, log);
    await ready.catch(() => undefined);
    await services?.close();
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
