import { AppError } from '../errors.js';

/** `*`, or the entity tags a header lists (weak ones kept: they never match a strong comparison). */
export type EntityTags = '*' | readonly string[];

/** A request's conditions on the paper it names (RFC 9110 §13.1): If-Match, If-None-Match. */
export interface Preconditions {
  ifMatch?: EntityTags;
  ifNoneMatch?: EntityTags;
}

/** The paper's state when a write is checked: absent, or present with its tag (the version a write committed before it in its group leaves, else the stored one). */
export type PaperState = { present: false } | { present: true; etag: string | undefined };

/** Throws `precondition_failed` unless the paper's state meets the request's conditions. */
export function assertPreconditions(conditions: Preconditions, state: PaperState, name: string, refused?: string): void {
  const failure = unmetPrecondition(conditions, state, name, refused);
  if (failure) throw failure;
}

/**
 * The `precondition_failed` error when the paper's state does not meet the request's conditions.
 * `refused` says what was not done: a write, or a read's answer (RFC 9110 §13.1.1: a GET whose
 * If-Match fails is not performed either).
 */
export function unmetPrecondition(conditions: Preconditions, state: PaperState, name: string, refused = 'was not written'): AppError | undefined {
  const { ifMatch, ifNoneMatch } = conditions;
  if (ifMatch !== undefined && !matches(ifMatch, state, strongly)) {
    return preconditionFailed(
      name,
      state,
      refused,
      state.present ? 'its version is not one If-Match names (it changed since it was read)' : 'it is not stored, and If-Match needs a stored paper',
    );
  }
  if (ifNoneMatch !== undefined && matches(ifNoneMatch, state, weakly)) {
    return preconditionFailed(
      name,
      state,
      refused,
      ifNoneMatch === '*' ? 'it is stored, and If-None-Match: * asks that it be not' : 'its version is one If-None-Match names',
    );
  }
  return undefined;
}

/**
 * RFC 9110 §13.1: If-Match compares strongly (a weak tag never matches), If-None-Match weakly (W/"x"
 * names the version "x": a proxy that compresses answers, nginx's gzip, hands clients the tag so).
 */
function matches(tags: EntityTags, state: PaperState, compare: (tag: string, etag: string) => boolean): boolean {
  if (!state.present) return false;
  if (tags === '*') return true;
  const { etag } = state;
  return etag !== undefined && tags.some((tag) => compare(tag, etag));
}

const strongly = (tag: string, etag: string): boolean => tag === etag;
const weakly = (tag: string, etag: string): boolean => tag.replace(/^W\//, '') === etag;

function preconditionFailed(name: string, state: PaperState, refused: string, reason: string): AppError {
  return new AppError(
    'precondition_failed',
    `The paper "${name}" ${refused}: ${reason}.${state.present && state.etag !== undefined ? ' Its current ETag is details.etag.' : ''}`,
    {
      details: { id: name, etag: state.present ? (state.etag ?? null) : null },
    },
  );
}
