import { readFileSync } from 'node:fs';
import { decodeBm25Index } from '../src/storage/embedded/lexical/bm25-codec.js';
import { countTerms } from '../src/storage/embedded/lexical/bm25-scoring.js';
import { readPapers } from './lib/papers.js';
const fresh = decodeBm25Index(new Uint8Array(readFileSync('bench/.cache/index-all/lexical.bm25')));
const papers = await readPapers('bench/.cache/index-all', 2000);
const queries = papers.map((p) => p.title ?? '');
let total = 0, terms = 0;
for (const q of queries) for (const t of countTerms(q).keys()) { total += fresh.documentFrequency(t); terms++; }
console.log('postings/query', total / queries.length, 'terms/query', terms / queries.length);
let t = performance.now();
for (const q of queries) countTerms(q);
console.log('analyze ms/query', ((performance.now() - t) / queries.length).toFixed(3));
