import type { Request } from 'express';
import type { EntityTags, Preconditions } from '../papers/preconditions.js';

/** The conditions a request puts on the paper it names: its If-Match and If-None-Match headers, as ETags of GET /v1/papers/:id name the paper's versions. */
export function preconditionsOf(request: Request): Preconditions {
  const ifMatch = entityTags(request.headers['if-match']);
  const ifNoneMatch = entityTags(request.headers['if-none-match']);
  return { ...(ifMatch ? { ifMatch } : {}), ...(ifNoneMatch ? { ifNoneMatch } : {}) };
}

/** `*` or the comma-separated entity tags of a header; a tag is quoted and may hold no comma (RFC 9110 §8.8.3). */
function entityTags(header: string | undefined): EntityTags | undefined {
  if (header === undefined) return undefined;
  if (header.trim() === '*') return '*';
  return header
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);
}
