import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { cliEntry, repoRoot } from '../../integration/helpers.js';

/** The real server as its own process: SIGKILL-able, with its own memory to measure, its log kept. */
export interface ServerProcess {
  child: ChildProcess;
  url: string;
  pid: number;
  /** Its log (JSON lines on stderr) so far. */
  logs(): string;
  /** Settles when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then waits for the exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnOptions {
  /** Settings (environment variables) on top of the test defaults. */
  env: Record<string, string>;
  /** Modules loaded before the server's own (`--import`), for fault injection. */
  preload?: string[];
  /** How long start-up may take, on a loaded two-core machine. */
  readyTimeoutMs?: number;
}

function serverArguments(preload: string[] = []): string[] {
  const [tsxFlag, tsx, entry] = cliEntry;
  return [tsxFlag!, tsx!, ...preload.flatMap((module) => ['--import', module]), entry!, 'serve'];
}

function serverEnvironment(env: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, MODEL_DIR: join(repoRoot, 'models'), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env };
}

/** Starts `serve` and resolves once it prints its ready line; rejects with its output if it exits or stalls first. */
export async function spawnServer(options: SpawnOptions): Promise<ServerProcess> {
  const child = spawn(process.execPath, serverArguments(options.preload), {
    cwd: repoRoot,
    env: serverEnvironment(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  // The log of a long run is kept to its last few MiB: enough to see what went wrong.
  child.stdout!.on('data', (chunk: Buffer) => (stdout = keepTail(stdout + chunk.toString())));
  child.stderr!.on('data', (chunk: Buffer) => (stderr = keepTail(stderr + chunk.toString())));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  const timeoutMs = options.readyTimeoutMs ?? 180_000;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server was not ready within ${timeoutMs} ms:\n${stdout.slice(-4000)}\n${stderr.slice(-4000)}`));
    }, timeoutMs);
    const check = () => {
      const readyUrl = /search page (http:\/\/\S+?)\/ /.exec(stdout)?.[1];
      if (readyUrl) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve(readyUrl);
      }
    };
    child.stdout!.on('data', check);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (code ${code}, signal ${signal}) before it was ready:\n${stdout.slice(-4000)}\n${stderr.slice(-4000)}`));
    });
  });
  return {
    child,
    url,
    pid: child.pid!,
    logs: () => stderr,
    exited,
    stop: async (graceMs = 60_000) => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

const keptLogBytes = 4 * 1024 * 1024;

function keepTail(text: string): string {
  return text.length > keptLogBytes ? text.slice(text.length - keptLogBytes / 2) : text;
}

export interface ExitedServer {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `serve` expecting it to refuse to start; resolves with its exit and output (killed after `timeoutMs`). */
export function runServerToExit(env: Record<string, string>, timeoutMs = 120_000): Promise<ExitedServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, serverArguments(), { cwd: repoRoot, env: serverEnvironment(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // A server that starts instead of refusing is stopped, and the caller's assertions say so.
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
