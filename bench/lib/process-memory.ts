import { readFileSync } from 'node:fs';

/**
 * Resident memory of a process from /proc (Linux only): VmHWM is the peak since the process
 * started, VmRSS the current value. Read from the measured process itself, so each figure covers
 * one library or server and not the bench around it.
 */
export function memoryMiB(pid: number | 'self' = 'self'): { rssMiB: number; peakRssMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakRssMiB: kib('VmHWM') / 1024 };
}
