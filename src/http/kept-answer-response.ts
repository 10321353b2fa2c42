import type { Request, Response } from 'express';
import { compressionThreshold, gzippedAnswer, isGzipped, leaveUncompressed, plainAnswer, withGzip, type KeptAnswer } from './kept-answer.js';
import { elapsedMs } from './took.js';

/**
 * Sends a kept answer ended with this request's took_ms, as response.json would have written it.
 * A client that takes gzip gets it compressed from the answer's kept gzip prefix (made once, and
 * kept through `keep`). Compressing an 18 KB list costs several times what the rest of the
 * request does (about twice what computing it does), so an answer computed for this request and
 * kept goes uncompressed (`compressNow` false), as HTTP allows (identity is acceptable unless the
 * client refuses it): it is compressed when it is asked for again. An answer that cannot be kept
 * is compressed at once (`compressNow`), or no client would ever get it compressed. The
 * compression middleware leaves an answer that already has a Content-Encoding alone.
 */
export function sendKeptAnswer(
  request: Request,
  response: Response,
  { answer, compressNow }: { answer: KeptAnswer; compressNow: boolean },
  keep: (answer: KeptAnswer) => void,
  started: number,
): void {
  const ending = `,"took_ms":${elapsedMs(started)}}`;
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  let chunks: Buffer[];
  const compressible = answer.open.length + ending.length >= compressionThreshold;
  if (compressible) response.vary('Accept-Encoding');
  if (compressible && takesGzip(request) && (isGzipped(answer) || compressNow || refusesIdentity(request))) {
    const compressed = withGzip(answer);
    if (compressed !== answer) keep(compressed);
    chunks = gzippedAnswer(compressed, ending);
    response.setHeader('Content-Encoding', 'gzip');
  } else {
    chunks = plainAnswer(answer, ending);
    leaveUncompressed(response);
  }
  response.setHeader(
    'Content-Length',
    chunks.reduce((length, chunk) => length + chunk.length, 0),
  );
  // Corked, the headers and every chunk leave in one write when end() uncorks.
  response.cork();
  for (const chunk of chunks.slice(0, -1)) response.write(chunk);
  response.end(chunks.at(-1));
}

/** Whether the request's Accept-Encoding takes gzip over no encoding (no header: no encoding, as the compression middleware reads it). */
function takesGzip(request: Request): boolean {
  return request.headers['accept-encoding'] !== undefined && request.acceptsEncodings(['gzip', 'identity']) === 'gzip';
}

/** Whether the request's Accept-Encoding refuses an uncompressed answer (`identity;q=0`, or `*;q=0` without identity named). */
function refusesIdentity(request: Request): boolean {
  return request.acceptsEncodings('identity') === false;
}
