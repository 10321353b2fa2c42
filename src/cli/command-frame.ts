import { clientEnvironment, loadConfig, localEnvironment, misspeltSettings, type Config } from '../config/config.js';
import type { Logger } from '../log.js';
import { createCliLogger } from './cli-logger.js';
import { failureOfCommand } from './exit-codes.js';
import { painter, traitsOf, type StreamTraits } from './output/terminal.js';

/** What every command runs with: the configuration, a logger on stderr, and what stdout and stderr can show. */
export interface CommandContext {
  config: Config;
  log: Logger;
  stdout: StreamTraits;
  stderr: StreamTraits;
  /** One line for a person on stderr (progress, summaries, the error line), never data. */
  say(line: string): void;
}

export interface FrameOptions {
  /** Settings the command's flags set, over the environment (`--index` is INDEX_DIR, say). */
  settings?: Record<string, string | undefined>;
  /** Log level when LOG_LEVEL is not set: query commands keep quiet, the server and ingestion tell what they do. */
  logLevel?: 'info' | 'warn';
  /**
   * The server the command talks to, named when it cannot be reached. The command is then a client:
   * of the environment it reads only what a client uses (see clientEnvironment).
   */
  serverUrl?: string;
  /**
   * The command listens, or checks what a server would meet (doctor), so it reads every setting.
   * Any other command that opens an index here reads only the settings of its own process (see
   * localEnvironment).
   */
  listens?: boolean;
}

/**
 * Runs a command: configuration read once (flags over the environment), a logger on stderr, and
 * any failure turned into one line on stderr and the documented exit code instead of a stack trace.
 */
export async function runInFrame(options: FrameOptions, command: (context: CommandContext) => Promise<void>): Promise<void> {
  const stderr = traitsOf(process.stderr);
  const paint = painter(stderr.color);
  try {
    const settings = Object.fromEntries(Object.entries(options.settings ?? {}).filter(([, value]) => value !== undefined));
    const environment = options.serverUrl !== undefined ? clientEnvironment() : options.listens ? process.env : localEnvironment();
    const config = loadConfig({ LOG_LEVEL: options.logLevel ?? 'info', ...environment }, settings);
    const log = createCliLogger(config.LOG_LEVEL, stderr);
    if (options.serverUrl === undefined) {
      for (const { name, meant, flag } of misspeltSettings(environment)) {
        if (flag !== undefined) {
          log.warn({ variable: name }, `${name} is ignored in the environment: it is set by ${flag} alone`);
          continue;
        }
        log.warn(
          { variable: name },
          meant === undefined ? `${name} is not a setting and is ignored` : `${name} is not a setting and is ignored: did you mean ${meant}?`,
        );
      }
    }
    await command({ config, log, stdout: traitsOf(process.stdout), stderr, say: (line) => process.stderr.write(`${line}\n`) });
  } catch (error) {
    const failure = failureOfCommand(error, options.serverUrl);
    process.stderr.write(`${paint('red', `error [${failure.code}]`)}: ${failure.message}\n`);
    process.exitCode = failure.exitCode;
    // Whatever was still starting when the failure came (a model worker, say) must not keep the
    // process alive: give stderr a moment to flush, then exit.
    setTimeout(() => process.exit(), 1_000).unref();
  }
}
