import { readFileSync } from 'node:fs';
import { decodeBm25Index } from '../src/storage/embedded/lexical/bm25-codec.js';
import { decodeBm25Index as decodeOld } from '../../main/src/storage/embedded/lexical/bm25-codec.js';
import { readPapers } from './lib/papers.js';
const bytes = new Uint8Array(readFileSync('bench/.cache/index-all/lexical.bm25'));
let t = performance.now();
const fresh = decodeBm25Index(bytes);
console.log('load new ms', (performance.now() - t).toFixed(1));
t = performance.now();
const old = decodeOld(bytes);
console.log('load old ms', (performance.now() - t).toFixed(1));
const papers = await readPapers('bench/.cache/index-all', 2000);
const queries = papers.map((p) => p.title ?? '');
for (const round of [0, 1]) {
  for (const [name, index] of [['old', old], ['new', fresh]] as const) {
    t = performance.now();
    for (const q of queries) index.search(q, 100);
    console.log(round, name, 'ms/query', ((performance.now() - t) / queries.length).toFixed(3));
  }
}
let same = 0;
for (const q of queries) { const a = old.search(q, 100), b = fresh.search(q, 100); if (a.length === b.length && a.every((h, i) => h.label === b[i]!.label && Math.abs(h.score - b[i]!.score) < 1e-12)) same++; }
console.log('identical', same, 'of', queries.length);
(globalThis as any).__stats = [];
for (const q of queries.slice(0, 300)) fresh.search(q, 100);
const st = (globalThis as any).__stats as number[][];
console.log('checks passing left<floor', st.length, st.slice(0, 30).map((x) => x.join('/')).join(' '));
