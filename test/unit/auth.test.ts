import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NextFunction, Request, Response } from 'express';
import { ApiKeys } from '../../src/http/auth.js';
import { isAppErrorWithCode } from './support.js';

const keys = ['first-key-0123456789', 'second-key-abcdefghij', 'Third.Key_with~symbols!'];

describe('ApiKeys.check', () => {
  const apiKeys = new ApiKeys(keys);

  it('is configured with keys', () => {
    assert.equal(apiKeys.configured, true);
    assert.equal(new ApiKeys([]).configured, false);
  });

  it('refuses a missing header as unauthorized', () => {
    assert.throws(() => apiKeys.check(undefined), isAppErrorWithCode('unauthorized', /API key is required/));
  });

  it('refuses a malformed header as unauthorized', () => {
    for (const header of [
      '',
      'Basic x',
      `Basic ${keys[0]}`,
      'Bearer',
      'Bearer ',
      'Bearer    ',
      keys[0]!,
      `Bearer${keys[0]}`,
      `Bearer ${keys[0]} extra`,
      `Token ${keys[0]}`,
    ]) {
      assert.throws(() => apiKeys.check(header), isAppErrorWithCode('unauthorized', /must be "Bearer <key>"/), JSON.stringify(header));
    }
  });

  it('refuses a wrong key as forbidden', () => {
    for (const key of ['wrong-key-0123456789', 'x', keys[0]!.toUpperCase(), `${keys[1]}x`]) {
      assert.throws(() => apiKeys.check(`Bearer ${key}`), isAppErrorWithCode('forbidden'), key);
    }
  });

  it('refuses a key that is a prefix of a configured key as forbidden', () => {
    for (const key of keys) {
      for (const length of [1, 8, key.length - 1]) {
        assert.throws(() => apiKeys.check(`Bearer ${key.slice(0, length)}`), isAppErrorWithCode('forbidden'), key.slice(0, length));
      }
    }
  });

  it('accepts each configured key', () => {
    for (const key of keys) assert.doesNotThrow(() => apiKeys.check(`Bearer ${key}`), key);
  });

  it('accepts the scheme in any case and spaces or tabs around the key', () => {
    for (const header of [
      `bearer ${keys[0]}`,
      `BEARER ${keys[1]}`,
      `BeArEr ${keys[2]}`,
      `Bearer \t ${keys[0]}`,
      `Bearer ${keys[0]} `,
      `Bearer\t${keys[1]}\t`,
    ]) {
      assert.doesNotThrow(() => apiKeys.check(header), JSON.stringify(header));
    }
  });

  it('refuses every key when none is configured', () => {
    assert.throws(() => new ApiKeys([]).check(`Bearer ${keys[0]}`), isAppErrorWithCode('forbidden'));
  });
});

/** Runs an Express handler on a request with this Authorization header (if any). */
function run(handler: ReturnType<ApiKeys['requireForWrites']>, authorization?: string) {
  const headers: Record<string, string> = {};
  const request = { headers: authorization === undefined ? {} : { authorization } } as unknown as Request;
  const response = { setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value) } as unknown as Response;
  let nextCalled = false;
  const next: NextFunction = () => {
    nextCalled = true;
  };
  let thrown: unknown;
  try {
    void handler(request, response, next);
  } catch (error) {
    thrown = error;
  }
  return { nextCalled, thrown, headers };
}

describe('ApiKeys.requireForWrites', () => {
  it('refuses every write with writes_disabled when no key is configured', () => {
    const handler = new ApiKeys([]).requireForWrites();
    for (const authorization of [undefined, `Bearer ${keys[0]}`]) {
      const { nextCalled, thrown } = run(handler, authorization);
      assert.equal(nextCalled, false);
      assert.ok(isAppErrorWithCode('writes_disabled')(thrown));
    }
  });

  it('passes a valid key on and refuses the others', () => {
    const handler = new ApiKeys(keys).requireForWrites();
    assert.deepEqual(run(handler, `Bearer ${keys[1]}`), { nextCalled: true, thrown: undefined, headers: {} });

    const missing = run(handler);
    assert.equal(missing.nextCalled, false);
    assert.ok(isAppErrorWithCode('unauthorized')(missing.thrown));
    assert.match(missing.headers['www-authenticate'] ?? '', /^Bearer /, 'a 401 names the scheme');

    const wrong = run(handler, 'Bearer not-a-configured-key');
    assert.equal(wrong.nextCalled, false);
    assert.ok(isAppErrorWithCode('forbidden')(wrong.thrown));
    assert.equal(wrong.headers['www-authenticate'], undefined);
  });
});

describe('ApiKeys.requireForReads', () => {
  it('is open when disabled and checks the key when enabled', () => {
    const apiKeys = new ApiKeys(keys);
    assert.equal(run(apiKeys.requireForReads(false)).nextCalled, true);
    assert.equal(run(apiKeys.requireForReads(true), `Bearer ${keys[2]}`).nextCalled, true);
    const refused = run(apiKeys.requireForReads(true));
    assert.equal(refused.nextCalled, false);
    assert.ok(isAppErrorWithCode('unauthorized')(refused.thrown));
  });
});
