import type { Paper } from '../papers/paper.js';
import { closingQuote } from '../shared/json-text.js';
import { roundScore, toHit, type RankedCandidate } from './ranking.js';

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
