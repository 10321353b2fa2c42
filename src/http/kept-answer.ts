import type { Response } from 'express';
import { constants, crc32, deflateRawSync } from 'node:zlib';

/**
 * An encoded JSON answer without its closing brace, so each request can end it with its own
 * took_ms, and, once a client has asked for gzip, the same bytes compressed up to that point.
 */
export interface KeptAnswer {
  /** The JSON object's bytes up to, not including, its closing `}`. */
  readonly open: Buffer;
  readonly gzip?: GzipPrefix;
}

/** Answers shorter than this many bytes are sent uncompressed, by the compression middleware and kept answers alike. */
export const compressionThreshold = 1024;

/** Marks a response the compression middleware must leave uncompressed (see the app's compression filter). */
export function leaveUncompressed(response: Response): void {
  response.locals.uncompressed = true;
}

export function isLeftUncompressed(response: Response): boolean {
  return response.locals.uncompressed === true;
}

/** A kept answer whose gzip prefix is made. */
export type GzippedAnswer = KeptAnswer & { readonly gzip: GzipPrefix };

/** `open` deflated and flushed to a byte boundary (no final block), and its CRC-32. */
interface GzipPrefix {
  readonly deflated: Buffer;
  readonly crc: number;
  readonly length: number;
}

/** A kept answer of `body`, in memory of its own (Buffer.from would slice a shared 8 KiB pool, which a kept answer would hold on to whole). */
export function keptAnswer(body: object): KeptAnswer {
  const json = JSON.stringify(body);
  const open = Buffer.allocUnsafeSlow(Buffer.byteLength(json) - 1);
  open.write(json.slice(0, -1));
  return { open };
}

/** The kept answer `{"hits": [...]}` of a JSON array of hits, the same bytes as keptAnswer of the decoded list. */
export function keptHitsAnswer(hitsJson: Uint8Array): KeptAnswer {
  const open = Buffer.allocUnsafeSlow(hitsMember.length + hitsJson.length);
  hitsMember.copy(open);
  open.set(hitsJson, hitsMember.length);
  return { open };
}

const hitsMember = Buffer.from('{"hits":');

/** The answer with its gzip prefix: compressed once, then every request appends its own ending uncompressed. */
export function withGzip(answer: KeptAnswer): GzippedAnswer {
  if (isGzipped(answer)) return answer;
  const deflated = deflateRawSync(answer.open, { finishFlush: constants.Z_SYNC_FLUSH });
  return { ...answer, gzip: { deflated: copied(deflated), crc: crc32(answer.open), length: answer.open.length } };
}

/** What a kept answer holds in memory, whole buffers counted (see keptAnswer). */
export function keptBytes(answer: KeptAnswer): number {
  return answer.open.buffer.byteLength + (answer.gzip?.deflated.buffer.byteLength ?? 0);
}

/**
 * The whole JSON answer, in chunks to write in turn: the kept bytes, then `ending` (the members
 * this request adds and the closing brace). Not joined: copying the kept bytes into one buffer
 * with the ending for every request cost 4–7% of the related route's throughput from kept answers.
 */
export function plainAnswer(answer: KeptAnswer, ending: string): Buffer[] {
  return [answer.open, Buffer.from(ending)];
}

/** gzip's member header: deflate, no flags, no time, unknown OS (RFC 1952). */
const gzipHeader = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

/**
 * The whole answer as one gzip member without compressing it again: the kept deflated prefix,
 * then `ending` in a final stored (uncompressed) block, then the CRC-32 and length of it all
 * (RFC 1951 §3.2.4, RFC 1952). The prefix was flushed to a byte boundary, where a block may begin.
 */
export function gzippedAnswer(answer: GzippedAnswer, ending: string): Buffer[] {
  const tail = Buffer.from(ending);
  const block = Buffer.alloc(5);
  block[0] = 1; // BFINAL, stored
  block.writeUInt16LE(tail.length, 1);
  block.writeUInt16LE(~tail.length & 0xffff, 3);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(tail, answer.gzip.crc), 0);
  trailer.writeUInt32LE((answer.gzip.length + tail.length) >>> 0, 4);
  return [gzipHeader, answer.gzip.deflated, Buffer.concat([block, tail, trailer])];
}

export function isGzipped(answer: KeptAnswer): answer is GzippedAnswer {
  return answer.gzip !== undefined;
}

function copied(buffer: Buffer): Buffer {
  const own = Buffer.allocUnsafeSlow(buffer.length);
  buffer.copy(own);
  return own;
}
