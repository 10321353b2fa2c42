import type { Config } from '../config/config.js';
import type { Logger } from '../log.js';
import { startServer } from '../server.js';

const stopSignals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/**
 * Serves until SIGTERM, SIGINT or SIGHUP (a closed terminal, a service manager hanging up: without
 * a handler it ended the process at once), then drains in-flight requests and returns; `onReady` gets the URL once the model and index are loaded, unless a signal came first.
 */
export async function serveUntilSignal(config: Config, log: Logger, onReady: (url: string) => void = () => undefined): Promise<void> {
  const server = await startServer(config, log);
  const stopped = new Promise<void>((resolve, reject) => {
    const stop = (signal: NodeJS.Signals) => {
      for (const name of stopSignals) process.off(name, stop);
      log.info({ signal }, 'shutting down');
      server.close().then(() => {
        log.info('stopped');
        resolve();
      }, reject);
    };
    for (const name of stopSignals) process.on(name, stop);
  });
  try {
    await server.ready;
  } catch (error) {
    await server.close();
    throw error;
  }
  // A signal during start-up stops the server as soon as it has loaded: it never was ready.
  if (server.state.phase !== 'stopping') onReady(server.url);
  await stopped;
}
