import { readFile } from 'node:fs/promises';
import { HttpClient, metricValue } from './http.js';

/** The server's resident memory, as its /metrics reports it (prom-client reads /proc/self/status). */
export async function residentBytes(client: HttpClient): Promise<number> {
  const answer = await client.send({ method: 'GET', path: '/metrics' });
  const rss = metricValue(answer.text, 'process_resident_memory_bytes');
  if (rss === undefined || !Number.isFinite(rss)) throw new Error('/metrics has no process_resident_memory_bytes');
  return rss;
}

/** The same figure read from /proc, as a cross-check of the metric. */
export async function residentBytesOfPid(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (!kib) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(kib) * 1024;
}

export function mib(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}
