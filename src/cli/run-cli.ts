import { loadConfig, type Config } from '../config/config.js';
import { isAppError } from '../errors.js';
import { createLogger, type Logger } from '../log.js';

/**
 * Shared frame of every command: configuration parsed once, one logger, and failures turned into
 * one clear line on stderr and a non-zero exit code instead of a stack trace.
 */
export async function runCli(main: (context: { config: Config; log: Logger }) => Promise<void>): Promise<void> {
  let log: Logger | undefined;
  try {
    const config = loadConfig();
    log = createLogger(config.LOG_LEVEL);
    await main({ config, log });
  } catch (error) {
    if (isAppError(error)) {
      log?.error({ code: error.code, details: error.details }, error.message);
      process.stderr.write(`error [${error.code}]: ${error.message}\n`);
      process.exitCode = 1;
    } else {
      log?.fatal({ err: error }, 'unexpected failure');
      process.stderr.write(`unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 70;
    }
    // Whatever was still starting when the failure came (a model worker, say) must not keep the
    // process alive: give the log a moment to flush, then exit.
    setTimeout(() => process.exit(), 1_000).unref();
  }
}
