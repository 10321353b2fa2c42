import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Request, Response } from 'express';
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
  errorHandler(error, { method: 'GET', headers: {}, log } as unknown as Request, response as unknown as Response, () => undefined);
  return answer;
}

describe('the error handler', () => {
  it('regression: answers a request that found no file descriptor left 503 overloaded with Retry-After (it was 500, /readyz included)', () => {
    const answer = answerTo(Object.assign(new Error("EMFILE: too many open files, scandir '/srv/index.wal'"), { code: 'EMFILE', path: '/srv/index.wal' }));
    assert.equal(answer.status, 503);
    assert.equal(answer.body?.error.code, 'overloaded');
    assert.equal(answer.headers['Retry-After'], '5');
    assert.doesNotMatch(answer.body?.error.message ?? '', /\/srv/);
  });
});
