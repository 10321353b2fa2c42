import type { Paper } from '../papers/paper.js';
import type { ScoredId } from '../storage/paper-storage.js';
import { closingQuote } from '../shared/json-text.js';

/** Which retrievers placed a candidate where (1-based; absent where one did not return it). */
export interface RetrieverRanks {
  dense?: number;
  lexical?: number;
}

/** A paper in a ranked list, before its record is fetched. */
export interface RankedCandidate {
  id: string;
  score: number;
  ranks: RetrieverRanks;
}

/** Why a hit was returned (with `explain: true`). */
export interface Explanation {
  ranks: RetrieverRanks;
  /** The abstract sentence most similar to the query, by the model. */
  closest_sentence: { text: string; score: number } | null;
}

export type Hit = Pick<Paper, 'id' | 'title'> & { score: number } & Omit<Paper, 'id' | 'title'> & { explain?: Explanation };

/** One retriever's list as ranked candidates, so every mode is ordered, paged and explained alike. */
export function rankedBy(list: readonly ScoredId[], retriever: keyof RetrieverRanks): RankedCandidate[] {
  return list.map((item, index) => ({ id: item.id, score: item.score, ranks: { [retriever]: index + 1 } }));
}

/**
 * Best score first, ties broken by id so equal scores always come back in the same order. Lists
 * are ordered by the exact score and rounded only for display, so rounding never reorders a list
 * or moves a page boundary.
 */
export function byScoreThenId(a: { id: string; score: number }, b: { id: string; score: number }): number {
  return b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function toHit(candidate: RankedCandidate, { id, title, ...rest }: Paper): Hit {
  return { id, title, score: roundScore(candidate.score), ...rest };
}

/** A page's candidate with its paper as JSON text (see PaperStorage.paperJson). */
export interface EncodedCandidate {
  candidate: RankedCandidate;
  paperJson: Uint8Array;
}

/**
 * The JSON array of these candidates' hits, byte for byte what `JSON.stringify` writes of their
 * `toHit(candidate, paper)`. A record stored as written (`{"id":…,"title":…` first, see
 * papers-file.ts) is copied with its score written in after the title, neither parsed nor encoded
 * again: decoding and encoding ten records was most of what a related list cost to compute. Any
 * other text is parsed and encoded.
 */
export function hitsJson(encoded: readonly EncodedCandidate[]): Buffer {
  const hits = encoded.map(({ candidate, paperJson }) => {
    const json = Buffer.isBuffer(paperJson) ? paperJson : Buffer.from(paperJson.buffer, paperJson.byteOffset, paperJson.byteLength);
    const titleEnd = titleEndOf(json);
    if (titleEnd === -1) return Buffer.from(JSON.stringify(toHit(candidate, JSON.parse(json.toString('utf8')) as Paper)));
    return { json, titleEnd, score: `,"score":${JSON.stringify(roundScore(candidate.score))}` };
  });
  const commas = Math.max(hits.length - 1, 0);
  const out = Buffer.allocUnsafe(hits.reduce((total, hit) => total + (Buffer.isBuffer(hit) ? hit.length : hit.json.length + hit.score.length), 2 + commas));
  out[0] = 0x5b;
  let at = 1;
  hits.forEach((hit, i) => {
    if (i > 0) out[at++] = 0x2c;
    if (Buffer.isBuffer(hit)) {
      at += hit.copy(out, at);
      return;
    }
    at += hit.json.copy(out, at, 0, hit.titleEnd + 1);
    at += out.write(hit.score, at, 'latin1');
    at += hit.json.copy(out, at, hit.titleEnd + 1);
  });
  out[at] = 0x5d;
  return out;
}

/** Where the title's string closes in a record written `{"id":"…","title":"…`, or −1 for any other text. */
function titleEndOf(json: Buffer): number {
  if (!startsAt(json, 0, idKey)) return -1;
  const idEnd = closingQuote(json, idKey.length - 1);
  return idEnd !== -1 && startsAt(json, idEnd + 1, titleKey) ? closingQuote(json, idEnd + titleKey.length) : -1;
}

function startsAt(bytes: Buffer, at: number, key: Buffer): boolean {
  if (at + key.length > bytes.length) return false;
  for (let i = 0; i < key.length; i++) if (bytes[at + i] !== key[i]) return false;
  return true;
}

const idKey = Buffer.from('{"id":"');
const titleKey = Buffer.from(',"title":"');

/** Scores to 6 decimals: float32 noise beyond that. */
export function roundScore(score: number): number {
  return Math.round(score * 1e6) / 1e6;
}

/**
 * A hit with only the chosen stored fields (`id`, `score` and `explain` always stay); all of them
 * without a choice. The keys keep the whole hit's order whatever the order of `fields`.
 */
export function selectFields(hit: Hit, fields: readonly string[] | undefined): Partial<Hit> & Pick<Hit, 'id' | 'score'> {
  if (!fields) return hit;
  const kept = new Set(['id', 'score', 'explain', ...fields]);
  return Object.fromEntries(Object.entries(hit).filter(([key]) => kept.has(key))) as Partial<Hit> & Pick<Hit, 'id' | 'score'>;
}

/** A paper with only `id` and the chosen stored fields, in the record's order; the whole record without a choice. */
export function selectPaperFields(paper: Paper, fields: readonly string[] | undefined): Partial<Paper> & Pick<Paper, 'id'> {
  if (!fields) return paper;
  const kept = new Set(['id', ...fields]);
  return Object.fromEntries(Object.entries(paper).filter(([key]) => kept.has(key))) as Partial<Paper> & Pick<Paper, 'id'>;
}
