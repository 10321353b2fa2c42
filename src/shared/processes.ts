import { readFileSync } from 'node:fs';

/**
 * Whether a process with this id runs on this host (EPERM: it does, but belongs to another user).
 * Where /proc tells (Linux), a zombie does not count: a process killed but not yet reaped by its
 * parent (a test harness that sent SIGKILL and did not wait) has ended all it will do. With
 * `startedAt` (see processStartTime), a process that has since taken the same id does not count.
 */
export function isProcessRunning(pid: number, startedAt?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const status = procStatus(pid);
  if (status === undefined) return true;
  return status.state !== 'Z' && (startedAt === undefined || status.startedAt === startedAt);
}

/** When the process started, in clock ticks since boot, where /proc tells: with the id, it names one process for good. */
export function processStartTime(pid: number): string | undefined {
  return procStatus(pid)?.startedAt;
}

/** The state and start time fields of /proc/<pid>/stat (after the command name, which may hold spaces and parentheses). */
function procStatus(pid: number): { state: string; startedAt: string } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [state, startedAt] = [fields[0], fields[19]];
  return state && startedAt ? { state, startedAt } : undefined;
}
