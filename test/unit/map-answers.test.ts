import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { constants, inflateRawSync } from 'node:zlib';
import { AppError } from '../../src/errors.js';
import { MapAnswers } from '../../src/http/map-answers.js';
import type { CollectionMap } from '../../src/search/collection-map.js';
import type { SearchService } from '../../src/search/search-service.js';

/** A service whose contents version the test sets, counting the maps it builds. */
function serviceWithMap(): { service: SearchService; builds: () => number; write: () => void; version: (value: number | undefined) => void } {
  let builds = 0;
  let version: number | undefined = 1;
  const map: CollectionMap = {
    ids: ['a', 'b'],
    x: Float32Array.of(0.5, -1),
    y: Float32Array.of(2, 0),
    groups: ['cs.CV'],
    groupSizes: [2],
    group: Uint16Array.of(0, 0),
    method: 'umap',
    builtAt: '2026-01-01T00:00:00.000Z',
  };
  const service = {
    contentsVersion: () => version,
    map: async () => {
      builds++;
      await new Promise((resolve) => setImmediate(resolve));
      return map;
    },
  } as unknown as SearchService;
  return { service, builds: () => builds, write: () => (version = (version ?? 0) + 1), version: (value) => (version = value) };
}

describe('MapAnswers', () => {
  it('regression: builds the map answer once per version of the contents (every request built, encoded and compressed 2 MB: 400 pipelined requests held every client 16 s)', async () => {
    const { service, builds, write } = serviceWithMap();
    const answers = new MapAnswers();
    const [first, second] = await Promise.all([answers.of(service), answers.of(service)]);
    assert.equal(builds(), 1, 'requests arriving during the build wait for it');
    assert.equal(first, second);
    assert.equal(await answers.of(service), first);
    const body = JSON.parse(`${first.open.toString()}}`) as { count: number; ids: string[]; x: string };
    assert.deepEqual([body.count, body.ids], [2, ['a', 'b']]);
    const x = Buffer.from(body.x, 'base64');
    assert.deepEqual([x.readFloatLE(0), x.readFloatLE(4)], [0.5, -1]);
    // The gzip prefix inflates to the same bytes.
    assert.deepEqual(inflateRawSync(first.gzip.deflated, { finishFlush: constants.Z_SYNC_FLUSH }), first.open);
    write();
    assert.notEqual(await answers.of(service), first);
    assert.equal(builds(), 2);
  });

  it('builds every answer for a service whose contents have no version, and keeps no failed build', async () => {
    const { service, builds, version } = serviceWithMap();
    const answers = new MapAnswers();
    version(undefined);
    await answers.of(service);
    await answers.of(service);
    assert.equal(builds(), 2);
    version(7);
    let failures = 0;
    const failing = {
      contentsVersion: () => 7,
      map: async () => {
        failures++;
        throw new AppError('map_building');
      },
    } as unknown as SearchService;
    await assert.rejects(answers.of(failing), (error: AppError) => error.code === 'map_building');
    await assert.rejects(answers.of(failing), (error: AppError) => error.code === 'map_building');
    assert.equal(failures, 2);
  });
});
