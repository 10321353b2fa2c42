import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readVectorsFile, vectorAt, VectorsFileWriter } from '../../src/storage/embedded/vectors-file.js';
import { isAppErrorWithCode, randomUnitVectors, temporaryRoot } from './support.js';

const root = temporaryRoot('paper-search-vectors-file-');

describe('vectors.f32', () => {
  it('reads back what the writer wrote, vector by vector in label order', async () => {
    const vectors = randomUnitVectors(7, 5, 1);
    const path = join(root(), 'round-trip.f32');
    const writer = new VectorsFileWriter(path);
    for (const vector of vectors) await writer.append(vector);
    await writer.close();
    const read = await readVectorsFile(path, 7, 5);
    vectors.forEach((vector, label) => assert.deepEqual(vectorAt(read, label, 5), vector));
  });

  it('is little-endian float32 with no header', async () => {
    const path = join(root(), 'layout.f32');
    const bytes = Buffer.alloc(8);
    bytes.writeFloatLE(0.5, 0);
    bytes.writeFloatLE(-2, 4);
    await writeFile(path, bytes);
    assert.deepEqual(Array.from(await readVectorsFile(path, 1, 2)), [0.5, -2]);
  });

  it('refuses a file of another size than count × dimension as a damaged index', async () => {
    const path = join(root(), 'short.f32');
    await writeFile(path, Buffer.alloc(4 * 9));
    await assert.rejects(readVectorsFile(path, 2, 5), isAppErrorWithCode('index_corrupt', /36 bytes, 40 expected/));
  });

  it('reports a missing file as a damaged index', async () => {
    await assert.rejects(readVectorsFile(join(root(), 'missing.f32'), 1, 5), isAppErrorWithCode('index_corrupt'));
  });
});
