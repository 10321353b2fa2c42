import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { trustProxyWarning, type Config } from './config/config.js';
import { AppError } from './errors.js';
import { ApiKeys } from './http/auth.js';
import { createApp } from './http/app.js';
import { drainOnClose } from './http/connection-drain.js';
import { connectionLimit, openFileLimit } from './http/connection-limit.js';
import { capConnections } from './http/connection-cap.js';
import { logAnswerOutsideApp } from './http/request-logging.js';
import { answerUnparsableRequest, continueUnlessTooLarge, refuseConnect, refuseExpectation, type AnswerOutsideApp } from './http/unparsable-request.js';
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
  // A connection that has not sent a byte is held as long as Node holds one whose request is still arriving.
  capConnections(server, {
    limit: connectionLimit(config.MAX_CONNECTIONS, openFileLimit()),
    silentTimeoutMs: server.headersTimeout,
    onDrop: () => metrics.countDroppedConnection(),
  });
  const closeGracefully = drainOnClose(server);
  const recordAnswer: AnswerOutsideApp = (answer) => {
    metrics.countAnswerOutsideApp(answer.method, answer.status);
    if (!answer.loggedByApp) logAnswerOutsideApp(log, answer);
  };
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => answerUnparsableRequest(error, socket, recordAnswer));
  server.on('connect', (request: IncomingMessage, socket: Socket) => refuseConnect(request, socket, recordAnswer));
  server.on('checkContinue', continueUnlessTooLarge(Math.max(config.MAX_BODY_BYTES, config.WRITE_MAX_BODY_BYTES), app, recordAnswer));
  server.on('checkExpectation', (request: IncomingMessage) => refuseExpectation(request, recordAnswer));
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}`;
  // Said as what it is: health checks answer from here on, but the index may still fail to open (index_locked, say).
  log.info({ url }, 'listening; opening the index and loading the model');
  const trustProxyProblem = trustProxyWarning(config);
  if (trustProxyProblem !== undefined) log.warn(trustProxyProblem);

  // A stop during start-up abandons a fetch of the model's files rather than wait for it.
  const starting = new AbortController();
  const ready = (async () => {
    services = await openServices(config, log, metrics.schedulerObserver, starting.signal);
    if (state.phase === 'stopping') return;
    state.markReady(services.search, services.writes);
    log.info('ready');
  })();
  // The caller decides what a failed start-up means; this only keeps it from being unhandled.
  ready.catch(() => undefined);

  const close = async () => {
    state.markStopping();
    starting.abort();
    await closeGracefully(config.SHUTDOWN_TIMEOUT_MS, log);
    await ready.catch(() => undefined);
    await services?.close();
  };
  return { url, state, ready, close };
}

/** Why the server cannot listen, as the setting to change says it; undefined for another failure. */
function listenFailure(error: NodeJS.ErrnoException, host: string, port: number): AppError | undefined {
  switch (error.code) {
    case 'EADDRINUSE':
      return new AppError('port_unavailable', `Cannot listen on ${host}:${port}: the port is in use. Set PORT (or --port) to another port.`);
    case 'EACCES':
      return new AppError('port_unavailable', `Cannot listen on ${host}:${port}: permission denied. Set PORT (or --port) to another port.`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new AppError(
        'port_unavailable',
        `Cannot listen on ${host}:${port}: HOST names no address this machine can resolve. Set HOST (or --host) to one of its addresses (0.0.0.0 for all).`,
      );
    case 'EADDRNOTAVAIL':
      return new AppError(
        'port_unavailable',
        `Cannot listen on ${host}:${port}: ${host} is not an address of this machine. Set HOST (or --host) to one of its addresses (0.0.0.0 for all).`,
      );
    default:
      return undefined;
  }
}

function listen(app: ReturnType<typeof createApp>, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    // Node answers an HTTP/1.1 request without a Host header with a bare 400; the app answers it
    // in the error shape instead (requireHost).
    // A deeper accept queue than Node's 511 (the kernel caps it at net.core.somaxconn): a burst of a
    // thousand new connections overflowed it, and clients waited 1–7 s to connect.
    // Node checks for requests past their time (headers 60 s, the whole request 300 s) every 30 s by
    // default, so a slow client was cut after up to 90 s; every 5 s keeps it within 65.
    const server = createServer({ requireHostHeader: false, connectionsCheckingInterval: 5_000 }, app).listen({ port, host, backlog: 4_096 });
    server.once('listening', () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenFailure(error, host, port) ?? error));
  });
}
