import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '../errors.js';

/**
 * Checks `Authorization: Bearer <key>` against the configured keys. Keys are compared as SHA-256
 * digests with timingSafeEqual, against every key without stopping at a match, so the time taken
 * tells nothing about how much of a key was right or which key matched.
 */
export class ApiKeys {
  private readonly digests: Buffer[];

  constructor(keys: readonly string[]) {
    this.digests = keys.map(digest);
  }

  get configured(): boolean {
    return this.digests.length > 0;
  }

  /** Throws `unauthorized` without a bearer key and `forbidden` with a wrong one. */
  check(authorization: string | undefined): void {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
    if (!match) {
      throw new AppError(
        'unauthorized',
        authorization === undefined ? 'An API key is required: send Authorization: Bearer <key>.' : 'The Authorization header must be "Bearer <key>".',
      );
    }
    if (!this.isKnown(match[1]!)) throw new AppError('forbidden');
  }

  /** Whether `key` is one of the configured keys. */
  isKnown(key: string): boolean {
    const presented = digest(key);
    let valid = false;
    for (const known of this.digests) valid = timingSafeEqual(presented, known) || valid;
    return valid;
  }

  /** Guards writes: refused outright when no key is configured, otherwise a valid key is needed. */
  requireForWrites(): RequestHandler {
    return (request, response, next) => {
      if (!this.configured) throw new AppError('writes_disabled');
      this.guard(request.headers.authorization, response);
      next();
    };
  }

  /** Guards reads when AUTH_READS is on; open otherwise. */
  requireForReads(enabled: boolean): RequestHandler {
    return (request, response, next) => {
      if (enabled) this.guard(request.headers.authorization, response);
      next();
    };
  }

  private guard(authorization: string | undefined, response: Parameters<RequestHandler>[1]): void {
    try {
      this.check(authorization);
    } catch (error) {
      // RFC 6750: a 401 names the scheme the client should use.
      if ((error as AppError).code === 'unauthorized') response.setHeader('WWW-Authenticate', 'Bearer realm="paper-search"');
      throw error;
    }
  }
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}
