import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Request, Response } from 'express';
import { AppError } from '../../src/errors.js';
import { errorHandler } from '../../src/http/error-handling.js';

/** Runs the error handler on `error` and returns the answer it gave. */
function answerTo(error: unknown): { status?: number; headers: Record<string, string>; body?: { error: { code: string; message: string } } } {
  const answer: ReturnType<typeof answerTo> = { headers: {} };
  const response = {
    headersSent: false,
    setHeader: (name: string, value: string) => void (answer.headers[name] = value),
    status(status: number) {
      answer.status = status;
      return this;
    },
    json: (body: NonNullable<typeof answer.body>) => void (answer.body = body),
  };
  const log = { info: () => undefined, error: () => undefined };
  errorHandler([
    { path: '/srv/papers/index', setting: 'INDEX_DIR' },
    { path: '/srv/papers/index.wal', setting: 'WAL_DIR' },
  ])(error, { method: 'GET', path: '/v1/search', headers: {}, log } as unknown as Request, response as unknown as Response, () => undefined);
  return answer;
}

describe('the error handler', () => {
  it("regression: names the server's folders by their settings (a damaged index's path was in the snapshot's 500)", () => {
    const damaged = new AppError(
      'snapshot_failed',
      'The snapshot failed: The index at /srv/papers/index is damaged: vectors.f32 (size). Rebuild it with --index /srv/papers/index; its log /srv/papers/index.wal holds every write.',
      { details: { files: [{ file: '/srv/papers/index/vectors.f32' }] } },
    );
    const answer = answerTo(damaged);
    assert.equal(answer.status, 500);
    assert.equal(
      answer.body?.error.message,
      'The snapshot failed: The index at <INDEX_DIR> is damaged: vectors.f32 (size). Rebuild it with --index <INDEX_DIR>; its log <WAL_DIR> holds every write.',
    );
    assert.deepEqual((answer.body?.error as { details?: unknown }).details, { files: [{ file: '<INDEX_DIR>/vectors.f32' }] });
    const names = answerTo(new AppError('snapshot_failed', 'Staged in /srv/papers/index.staging-7; /srv/papers/index2 is another folder.'));
    assert.equal(names.body?.error.message, 'Staged in <INDEX_DIR>.staging-7; /srv/papers/index2 is another folder.');
  });

  it('regression: answers a request that found no file descriptor left 503 overloaded with Retry-After (it was 500, /readyz included)', () => {
    const answer = answerTo(Object.assign(new Error("EMFILE: too many open files, scandir '/srv/index.wal'"), { code: 'EMFILE', path: '/srv/index.wal' }));
    assert.equal(answer.status, 503);
    assert.equal(answer.body?.error.code, 'overloaded');
    assert.equal(answer.headers['Retry-After'], '5');
    assert.doesNotMatch(answer.body?.error.message ?? '', /\/srv/);
  });
});
