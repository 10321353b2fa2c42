import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/config.js';
import { isAppErrorWithCode } from './support.js';

describe('storage backend settings', () => {
  it('default to the embedded backend, and to 2 shards, 2 replicas and QUORUM for Weaviate', () => {
    const config = loadConfig({});
    assert.equal(config.BACKEND, 'embedded');
    assert.equal(config.WEAVIATE_URL, undefined);
    assert.equal(config.WEAVIATE_COLLECTION, 'Papers');
    assert.equal(config.WEAVIATE_SHARDS, 2);
    assert.equal(config.WEAVIATE_REPLICATION_FACTOR, 2);
    assert.equal(config.WEAVIATE_CONSISTENCY, 'QUORUM');
  });

  it('read a Weaviate cluster', () => {
    const config = loadConfig({
      BACKEND: 'weaviate',
      WEAVIATE_URL: 'http://weaviate:8080',
      WEAVIATE_GRPC: 'weaviate:50051',
      WEAVIATE_API_KEY: 'secret',
      WEAVIATE_COLLECTION: 'ArxivPapers',
      WEAVIATE_SHARDS: '8',
      WEAVIATE_REPLICATION_FACTOR: '3',
      WEAVIATE_CONSISTENCY: 'ALL',
    });
    assert.deepEqual(
      [
        config.BACKEND,
        config.WEAVIATE_URL,
        config.WEAVIATE_GRPC,
        config.WEAVIATE_COLLECTION,
        config.WEAVIATE_SHARDS,
        config.WEAVIATE_REPLICATION_FACTOR,
        config.WEAVIATE_CONSISTENCY,
      ],
      ['weaviate', 'http://weaviate:8080', 'weaviate:50051', 'ArxivPapers', 8, 3, 'ALL'],
    );
  });

  it('refuse BACKEND=weaviate without WEAVIATE_URL', () => {
    assert.throws(() => loadConfig({ BACKEND: 'weaviate' }), isAppErrorWithCode('config_invalid', /WEAVIATE_URL/));
  });

  for (const [variable, value] of [
    ['BACKEND', 'elastic'],
    ['WEAVIATE_URL', 'weaviate:8080'],
    ['WEAVIATE_GRPC', 'http://weaviate:50051'],
    ['WEAVIATE_GRPC', 'weaviate:99999'],
    ['WEAVIATE_GRPC', 'weaviate:0'],
    ['WEAVIATE_COLLECTION', 'papers'],
    ['WEAVIATE_COLLECTION', 'Paper-Set'],
    ['WEAVIATE_SHARDS', '0'],
    ['WEAVIATE_REPLICATION_FACTOR', '0'],
    ['WEAVIATE_CONSISTENCY', 'MOST'],
  ] as const) {
    it(`refuse ${variable}=${value}, naming the variable`, () => {
      assert.throws(() => loadConfig({ [variable]: value }), isAppErrorWithCode('config_invalid', new RegExp(variable)));
    });
  }
});
