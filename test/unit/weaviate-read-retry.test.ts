import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPassingEngineError } from '../../src/storage/weaviate/weaviate-storage.js';

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
