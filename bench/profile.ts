/**
 * CPU profile of the server under load: dist/cli/main.js serve with `node --cpu-prof`, loaded by
 * autocannon on one route at a time, stopped with SIGTERM so V8 writes the profile. Reports the
 * functions with the most self time on the server's main thread (the HTTP and index work; the
 * model runs in a worker thread whose profile is summarized apart).
 */
import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchContext, SectionResult } from './lib/context.js';
import { topSelfTime } from './lib/cpu-profile.js';
import { runLoad, type LoadRequest } from './lib/load-generator.js';
import { readPapers } from './lib/papers.js';
import { startServer } from './lib/server.js';

export interface ProfileResult extends SectionResult {
  profiles: {
    route: string;
    connections: number;
    durationS: number;
    requestsPerSecond: number;
    threads: ({ thread: string } & ReturnType<typeof topSelfTime>)[];
  }[];
}

export async function profileServer(context: BenchContext, port: number): Promise<ProfileResult> {
  // Long enough that start-up (module compilation, index load; in the profile too) is a small share.
  const durationS = context.quick ? 3 : 20;
  const papers = await readPapers(context.dataset.indexDir, 2000);
  let i = 0;
  const cases: { route: string; connections: number; next: () => LoadRequest }[] = [
    {
      route: '/v1/papers/:id/related',
      connections: 32,
      next: () => ({ method: 'GET', path: `/v1/papers/${encodeURIComponent(papers[i++ % papers.length]!.id)}/related?k=10` }),
    },
    { route: '/v1/search', connections: 8, next: () => ({ method: 'POST', path: '/v1/search', body: { query: papers[i++ % papers.length]!.title, k: 10 } }) },
  ];
  const profiles: ProfileResult['profiles'] = [];
  for (const { route, connections, next } of cases) {
    const dir = join(context.cacheDir, 'profiles', route.replace(/[^a-z]+/g, '-'));
    await rm(dir, { recursive: true, force: true });
    const server = await startServer(context.dataset.indexDir, {
      port,
      env: { QUERY_CACHE_SIZE: '0', RESULT_CACHE_SIZE: '0' },
      nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
    });
    const load = await runLoad(server.base, connections, durationS, next);
    await server.stop();
    // One profile per thread, named CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0 is the main thread.
    const files = readdirSync(dir).filter((file) => file.endsWith('.cpuprofile'));
    const threads = files.map((file) => {
      const thread = /\.(\d+)\.\d+\.cpuprofile$/.exec(file)?.[1];
      return { thread: thread === '0' ? 'main' : `worker thread ${thread}`, ...topSelfTime(join(dir, file), 15) };
    });
    profiles.push({ route, connections, durationS, requestsPerSecond: load.requestsPerSecond, threads });
    console.error(`profile: ${route} at ${connections} clients, ${load.requestsPerSecond.toFixed(0)} req/s, ${files.length} thread profiles in ${dir}`);
  }
  return {
    section: 'profile',
    measuredAt: new Date().toISOString(),
    notes: [
      "Self time is the time a function was on top of the stack; percentages are of the thread's busy (non-idle) time. The profiler adds overhead, so req/s here is below section 3's.",
    ],
    profiles,
  };
}
