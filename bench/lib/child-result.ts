import { spawn } from 'node:child_process';

/**
 * Worker protocol: a measurement that must own its process (for its own peak RSS, or to keep
 * a library's memory out of the bench) runs as `node --import tsx bench/workers/<name>.ts`,
 * logs progress on stderr and prints its result as the last line of stdout, as JSON.
 */
export function reportResult(result: unknown): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

export async function runWorker<T>(
  script: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; nodeArgs?: readonly string[] } = {},
): Promise<T> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', script, ...args], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderrTail = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    process.stderr.write(chunk);
    stderrTail = (stderrTail + chunk).slice(-4000);
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const last = stdout.trim().split('\n').at(-1);
  if (code !== 0 || !last) {
    // The worker's own error line (e.g. "Error: ...") says more than its exit code.
    const reason = stderrTail.split('\n').find((line) => /^\w*Error\b/.test(line)) ?? `exit code ${code}`;
    throw new Error(`${script} failed: ${reason}`);
  }
  return JSON.parse(last) as T;
}
