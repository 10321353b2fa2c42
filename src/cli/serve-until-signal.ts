import type { Config } from '../config/config.js';
import type { Logger } from '../log.js';
import { startServer } from '../server.js';
import { onStopSignals } from '../shared/process-end.js';

/**
 * Serves until a stop signal (SIGTERM, SIGINT or SIGHUP), then drains in-flight requests and returns; `onReady` gets the URL once the model and index are loaded, unless a signal came first.
 */
export async function serveUntilSignal(config: Config, log: Logger, onReady: (url: string) => void = () => undefined): Promise<void> {
  const server = await startServer(config, log);
  const stopped = new Promise<void>((resolve, reject) => {
    const stopListening = onStopSignals((signal) => {
      stopListening();
      log.info({ signal }, 'shutting down');
      server.close().then(() => {
        log.info('stopped');
        resolve();
      }, reject);
    });
  });
  try {
    await server.ready;
  } catch (error) {
    // Start-up abandoned for a stop signal (a model fetch): the stop, not a failure.
    if (server.state.phase === 'stopping') return stopped;
    await server.close();
    throw error;
  }
  // A signal during start-up stops the server as soon as it has loaded: it never was ready.
  if (server.state.phase !== 'stopping') onReady(server.url);
  await stopped;
}
