import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromRecord } from '../../src/storage/weaviate/paper-object.js';
import { isPassingEngineError } from '../../src/storage/weaviate/engine-errors.js';
import { isAppErrorWithCode } from './support.js';

function engineError(name: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error('Query call with protocol gRPC failed with message: shard not ready'), { name, ...extra });
}

describe('which failed Weaviate reads are tried again', () => {
  it('regression (a read answered 500 while a replica rejoined): query errors, 5xx answers, timeouts and lost connections', () => {
    assert.equal(isPassingEngineError(engineError('WeaviateQueryError')), true);
    assert.equal(isPassingEngineError(engineError('WeaviateGRPCUnavailableError')), true);
    assert.equal(isPassingEngineError(engineError('WeaviateRequestTimeoutError')), true);
    assert.equal(isPassingEngineError(engineError('WeaviateUnexpectedStatusCodeError', { code: 503 })), true);
    assert.equal(isPassingEngineError(new Error('connect ECONNREFUSED 127.0.0.1:8080')), true);
  });

  it('not what another try cannot mend: 4xx answers, bad input, our own errors', () => {
    assert.equal(isPassingEngineError(engineError('WeaviateUnexpectedStatusCodeError', { code: 422 })), false);
    assert.equal(isPassingEngineError(engineError('WeaviateInvalidInputError')), false);
    assert.equal(isPassingEngineError(new TypeError('undefined is not a function')), false);
    assert.equal(isPassingEngineError(undefined), false);
  });
});

describe('an object answered without its properties', () => {
  it('regression (a paper read answered 500 "undefined is not valid JSON" while a node rejoined): is a 503 to retry', () => {
    assert.throws(() => fromRecord(undefined), isAppErrorWithCode('storage_unavailable', /without their properties/));
  });
});
