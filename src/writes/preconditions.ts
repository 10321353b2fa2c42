import { AppError } from '../errors.js';

/** `*`, or the entity tags a header lists (weak ones kept: they never match a strong comparison). */
export type EntityTags = '*' | readonly string[];

/** A write's conditions on the paper it names (RFC 9110 §13.1): If-Match, If-None-Match. */
export interface Preconditions {
  ifMatch?: EntityTags;
  ifNoneMatch?: EntityTags;
}

/** The paper's state when a write is checked: absent, or present with its tag (the version a write committed before it in its group leaves, else the stored one). */
export type PaperState = { present: false } | { present: true; etag: string | undefined };

/** Throws `precondition_failed` unless the paper's state meets the write's conditions. */
export function assertPreconditions(conditions: Preconditions, state: PaperState, name: string): void {
  const failure = unmetPrecondition(conditions, state, name);
  if (failure) throw failure;
}

/** The `precondition_failed` error when the paper's state does not meet the write's conditions. */
export function unmetPrecondition(conditions: Preconditions, state: PaperState, name: string): AppError | undefined {
  const { ifMatch, ifNoneMatch } = conditions;
  if (ifMatch !== undefined && !matches(ifMatch, state)) {
    return preconditionFailed(
      name,
      state,
      state.present ? 'its version is not one If-Match names (it changed since it was read)' : 'it is not stored, and If-Match needs a stored paper',
    );
  }
  if (ifNoneMatch !== undefined && matches(ifNoneMatch, state)) {
    return preconditionFailed(
      name,
      state,
      ifNoneMatch === '*' ? 'it is stored, and If-None-Match: * asks that it be not' : 'its version is one If-None-Match names',
    );
  }
  return undefined;
}

function matches(tags: EntityTags, state: PaperState): boolean {
  if (!state.present) return false;
  if (tags === '*') return true;
  return state.etag !== undefined && tags.includes(state.etag);
}

function preconditionFailed(name: string, state: PaperState, reason: string): AppError {
  return new AppError('precondition_failed', `The paper "${name}" was not written: ${reason}. Read it again (GET) for its current ETag.`, {
    details: { id: name, etag: state.present ? (state.etag ?? null) : null },
  });
}
