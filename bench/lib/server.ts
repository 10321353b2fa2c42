import { spawn, type ChildProcess } from 'node:child_process';

export interface RunningServer {
  process: ChildProcess;
  base: string;
  /** Spawn to the first 200 from /readyz. */
  readyMs: number;
  stop(): Promise<void>;
}

/**
 * Starts the compiled server (dist/, so `npm run build` first) on an index folder, as a child
 * process: its memory and CPU are its own, and the load generator stays in the bench process.
 */
export async function startServer(indexDir: string, options: { port: number; env?: NodeJS.ProcessEnv; nodeArgs?: readonly string[] }): Promise<RunningServer> {
  const base = `http://127.0.0.1:${options.port}`;
  const started = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), 'dist/cli/main.js', 'serve'], {
    env: { ...process.env, INDEX_DIR: indexDir, PORT: String(options.port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let readyMs = Number.NaN;
  while (Number.isNaN(readyMs)) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before it was ready`);
    try {
      if ((await fetch(`${base}/readyz`)).status === 200) readyMs = performance.now() - started;
    } catch {
      // not listening yet
    }
    if (Number.isNaN(readyMs)) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return {
    process: child,
    base,
    readyMs,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
