import assert from 'node:assert/strict';
import { open } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { AppError, describeFailure, errorCatalog, isAppError, isOutOfFileDescriptors, isServerFault, toErrorBody, type ErrorCode } from '../../src/errors.js';
import { paperNotFound } from '../../src/papers/identifiers.js';

describe('AppError', () => {
  it('takes its status from the catalog', () => {
    const expectations: [ErrorCode, number][] = [
      ['invalid_input', 400],
      ['invalid_json', 400],
      ['route_not_found', 404],
      ['paper_not_found', 404],
      ['method_not_allowed', 405],
      ['payload_too_large', 413],
      ['unsupported_media_type', 415],
      ['not_ready', 503],
      ['shutting_down', 503],
      ['internal', 500],
      ['config_invalid', 500],
      ['index_corrupt', 500],
    ];
    for (const [code, status] of expectations) assert.equal(new AppError(code).status, status, code);
  });

  it('has a status equal to the catalog entry for every code', () => {
    for (const code of Object.keys(errorCatalog) as ErrorCode[]) {
      const error = new AppError(code);
      assert.equal(error.status, errorCatalog[code].status, code);
      assert.equal(error.code, code);
    }
  });

  it('uses the catalog message by default and a given message otherwise', () => {
    assert.equal(new AppError('paper_not_found').message, errorCatalog.paper_not_found.message);
    assert.equal(new AppError('paper_not_found', 'No paper with id "x".').message, 'No paper with id "x".');
  });

  it('is an Error named AppError, carrying details and cause', () => {
    const cause = new Error('underlying');
    const error = new AppError('index_corrupt', 'broken', { details: { file: 'papers.jsonl' }, cause });
    assert.ok(error instanceof Error);
    assert.ok(error instanceof AppError);
    assert.equal(error.name, 'AppError');
    assert.deepEqual(error.details, { file: 'papers.jsonl' });
    assert.equal(error.cause, cause);
    assert.equal(typeof error.stack, 'string');
  });

  it('has undefined details when none are given', () => {
    assert.equal(new AppError('internal').details, undefined);
  });
});

describe('isAppError', () => {
  it('recognises AppError and nothing else', () => {
    assert.equal(isAppError(new AppError('internal')), true);
    assert.equal(isAppError(new Error('plain')), false);
    assert.equal(isAppError({ code: 'internal', status: 500, message: 'x' }), false);
    assert.equal(isAppError(undefined), false);
    assert.equal(isAppError('internal'), false);
  });
});

describe('toErrorBody', () => {
  it('has code and message, and no details key when there are no details', () => {
    const body = toErrorBody(new AppError('route_not_found'));
    assert.deepEqual(body, { error: { code: 'route_not_found', message: errorCatalog.route_not_found.message } });
    assert.equal('details' in body.error, false);
  });

  it('includes details when there are some', () => {
    const body = toErrorBody(new AppError('invalid_input', 'k must be at most 100', { details: { field: 'k', max: 100 } }));
    assert.deepEqual(body, { error: { code: 'invalid_input', message: 'k must be at most 100', details: { field: 'k', max: 100 } } });
  });

  it('includes falsy but defined details', () => {
    assert.deepEqual(toErrorBody(new AppError('internal', 'm', { details: null })), { error: { code: 'internal', message: 'm', details: null } });
    assert.deepEqual(toErrorBody(new AppError('internal', 'm', { details: 0 })), { error: { code: 'internal', message: 'm', details: 0 } });
  });

  it('never exposes the status, stack or cause', () => {
    const body = toErrorBody(new AppError('internal', 'm', { cause: new Error('secret') }));
    assert.deepEqual(Object.keys(body), ['error']);
    assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message']);
    assert.equal(JSON.stringify(body).includes('secret'), false);
  });
});

describe('paperNotFound', () => {
  it('regression: names one paper in the singular and several in the plural ("No paper with id "a", "b"" read wrong)', () => {
    assert.equal(paperNotFound(['a']).message, 'No paper with id "a".');
    assert.equal(paperNotFound(['a', 'b']).message, 'No papers with ids "a", "b".');
    assert.deepEqual(paperNotFound(['a', 'b']).details, { ids: ['a', 'b'] });
  });

  it('regression: says how to name a paper by its DOI when the unknown id is a bare DOI (get 10.1111/jnc.15234 said only "No paper")', () => {
    assert.equal(
      paperNotFound(['10.1111/jnc.15234']).message,
      'No paper with id "10.1111/jnc.15234". To find a paper by its DOI, write doi:10.1111/jnc.15234.',
    );
    assert.equal(
      paperNotFound(['10.1111/x'], 'Ids are case-sensitive.').message,
      'No paper with id "10.1111/x". Ids are case-sensitive. To find a paper by its DOI, write doi:10.1111/x.',
    );
  });
});

describe('failures told to clients', () => {
  it("regression: name no folder of the server (a snapshot's EMFILE answered with the log's full path)", async () => {
    const failure = await open('/nonexistent-folder/paper-search/wal-000000000007.log').then(
      () => assert.fail('opened'),
      (error: unknown) => error,
    );
    assert.match(describeFailure(failure), /^ENOENT: no such file or directory, open 'wal-000000000007\.log'$/);
    const renamed = Object.assign(new Error("EXDEV: cross-device link not permitted, rename '/a/b/c' -> '/d/e/f'"), { path: '/a/b/c', dest: '/d/e/f' });
    assert.equal(describeFailure(renamed), "EXDEV: cross-device link not permitted, rename 'c' -> 'f'");
    assert.equal(describeFailure(new Error('plain')), 'plain');
  });

  it("are logged as the server's fault only when they are: not a 503 (passing) nor a 501 (a client asking for what is not implemented)", () => {
    assert.deepEqual([500, 501, 503, 507, 404].map(isServerFault), [true, false, false, true, false]);
  });

  it('tell no file descriptor left from other failures', () => {
    assert.equal(isOutOfFileDescriptors(Object.assign(new Error('x'), { code: 'EMFILE' })), true);
    assert.equal(isOutOfFileDescriptors(Object.assign(new Error('x'), { code: 'ENFILE' })), true);
    assert.equal(isOutOfFileDescriptors(Object.assign(new Error('x'), { code: 'ENOENT' })), false);
  });
});
