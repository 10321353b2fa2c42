import { invalidInput, type AppError } from '../errors.js';

/** A list cursor no build being served issued: every backend refuses it alike. */
export function unknownCursor(): AppError {
  return invalidInput('The cursor was not issued by this index (it may have been rebuilt since); start again without one.', [
    { path: 'cursor', message: 'unknown cursor', code: 'custom' },
  ]);
}
