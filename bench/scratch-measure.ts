import { runLoad } from './lib/load-generator.js';
import { readPapers } from './lib/papers.js';
import { startServer } from './lib/server.js';
import { loadavg } from 'node:os';
const indexDir = 'bench/.cache/index-all';
const papers = await readPapers(indexDir, 2000);
let i = 0;
const next = () => papers[i++ % papers.length]!;
const gens: Record<string, () => any> = {
  '/healthz': () => ({ method: 'GET', path: '/healthz' }),
  '/v1/search': () => ({ method: 'POST', path: '/v1/search', body: { query: next().title, k: 10 } }),
  '/v1/similar': () => { const p = next(); return { method: 'POST', path: '/v1/similar', body: { title: p.title, abstract: p.abstract, k: 10 } }; },
};
const routes = (process.env.ROUTES ?? '/healthz,/v1/search').split(',');
const conns = (process.env.CONNS ?? '1,32').split(',').map(Number);
const dur = Number(process.env.DUR ?? 5);
const server = await startServer(indexDir, { port: 18790, env: { QUERY_CACHE_SIZE: '0' }, nodeArgs: process.env.PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/tp/prof'] : [] });
try {
  await runLoad(server.base, 8, 2, gens['/v1/search']!);
  console.log('load', loadavg()[0]);
  for (const c of conns) for (const r of routes) {
    const res = await runLoad(server.base, c, dur, gens[r]!);
    console.log(r, c, res.requestsPerSecond.toFixed(1), 'p50', res.p50.toFixed(2), 'p99', res.p99.toFixed(2), 'err', res.errors);
  }
} finally { await server.stop(); }
