import { runCli } from './run-cli.js';
import { serveUntilSignal } from './serve-until-signal.js';

await runCli(({ config, log }) => serveUntilSignal(config, log));
