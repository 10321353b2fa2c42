import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { getModel, withLongPassages } from '../../src/embedding/model-registry.js';
import type { Paper } from '../../src/papers/paper.js';
import { holdsCollectionPointer, readCollectionPointer, writeCollectionPointer } from '../../src/storage/weaviate/collection-pointer.js';
import {
  assertMetadataMatchesModel,
  collectionFormatVersion,
  decodeMetadata,
  encodeMetadata,
  modelOfMetadata,
} from '../../src/storage/weaviate/collection-schema.js';
import { describeModel } from '../../src/storage/model-summary.js';
import { authorKeysToMatch, fromRecord, paperUuid, toProperties } from '../../src/storage/weaviate/paper-object.js';
import { isAppErrorWithCode, temporaryRoot } from './support.js';

const paper: Paper = {
  id: '2503.11731',
  title: 'Running Robots',
  abstract: 'Robots are running faster.',
  authors: ['  Ada   LOVELACE ', 'Ge Gao'],
  categories: ['cs.RO', 'cs.AI'],
  year: 2025,
  date: '2025-03-14',
  doi: 'https://doi.org/10.48550/arXiv.2503.11731',
  arxiv_id: '2503.11731v2',
};

describe('a paper as a Weaviate object', () => {
  it('keeps the paper whole and the values filters and lookups compare, folded as the product compares them', () => {
    const properties = toProperties(paper, 7);
    assert.deepEqual(fromRecord(properties.record), paper);
    assert.equal(properties.paper_id, paper.id);
    assert.deepEqual(properties.author_keys, ['ada lovelace', 'ge gao']);
    assert.deepEqual(properties.categories, ['cs.RO', 'cs.AI']);
    assert.equal(properties.year, 2025);
    assert.equal(properties.doi_key, '10.48550/arxiv.2503.11731');
    assert.equal(properties.arxiv_key, '2503.11731');
    assert.equal(properties.write_order, 7);
    // The embedded backend's analyzed terms: lower case, stop words gone, Porter stems.
    assert.equal(properties.lexical_terms, 'run robot robot run faster');
  });

  it('filters by the folded keys of author names and by the case-folded keys objects written before hold', () => {
    assert.deepEqual(authorKeysToMatch(['Ada Lovelace', 'Jürgen  Müller', 'ada lovelace']), ['ada lovelace', 'jurgen muller', 'jürgen müller']);
    // Collections written before a suffix lost its comma and period hold the name as it was typed.
    assert.deepEqual(authorKeysToMatch(['Paul Martin, Jr.']), ['paul martin jr', 'paul martin, jr.', 'paul martin, jr', 'paul martin jr.']);
  });

  it('leaves absent metadata absent', () => {
    const properties = toProperties({ id: 'bare', title: '', abstract: 'Only an abstract.' }, 0);
    assert.deepEqual(Object.keys(properties).sort(), ['lexical_terms', 'paper_id', 'record', 'write_order']);
  });

  it('has one object id per paper id, the same every time', () => {
    assert.equal(paperUuid('2503.11731'), paperUuid('2503.11731'));
    assert.notEqual(paperUuid('2503.11731'), paperUuid('2503.11732'));
    assert.match(paperUuid('x'), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('collection metadata', () => {
  const model = getModel('all-MiniLM-L6-v2');
  const metadata = {
    format: 'paper-search-collection' as const,
    formatVersion: collectionFormatVersion,
    model: describeModel(model),
    createdAt: '2026-01-01T00:00:00.000Z',
  };

  it('round-trips through the description and names the model that built it', () => {
    const decoded = decodeMetadata(encodeMetadata(metadata), 'Papers');
    assert.deepEqual(decoded, metadata);
    assert.equal(modelOfMetadata(decoded).id, 'all-MiniLM-L6-v2');
    assertMetadataMatchesModel(decoded, model, 'Papers');
  });

  it('reads a collection built before titles had a weight as title weight 0, and serves it only so', () => {
    const { titleWeight: _, ...modelWithoutTitleWeight } = metadata.model;
    const decoded = decodeMetadata(JSON.stringify({ ...metadata, model: modelWithoutTitleWeight }), 'Papers');
    assert.equal(decoded.model.titleWeight, 0);
    assert.equal(modelOfMetadata(decoded).titleWeight, 0);
    assert.doesNotThrow(() => assertMetadataMatchesModel(decoded, modelOfMetadata(decoded), 'Papers'));
    assert.throws(() => assertMetadataMatchesModel(decoded, model, 'Papers'), isAppErrorWithCode('index_incompatible', /titleWeight 0/));
  });

  it('refuses a collection built with another model, or another passage handling', () => {
    assert.throws(
      () => assertMetadataMatchesModel(metadata, getModel('bge-small-en-v1.5'), 'Papers'),
      isAppErrorWithCode('index_incompatible', /built with model all-MiniLM-L6-v2/),
    );
    const windowed = withLongPassages(model, { kind: 'windows', stride: 128 });
    assert.throws(() => assertMetadataMatchesModel(metadata, windowed, 'Papers'), isAppErrorWithCode('index_incompatible', /longPassages/));
  });

  it('refuses a collection paper-search did not make, or of another format version', () => {
    assert.throws(() => decodeMetadata('Articles of the week', 'Other'), isAppErrorWithCode('index_incompatible', /not made by paper-search/));
    assert.throws(() => decodeMetadata(undefined, 'Other'), isAppErrorWithCode('index_incompatible'));
    assert.throws(
      () => decodeMetadata(JSON.stringify({ ...metadata, formatVersion: 99 }), 'Papers'),
      isAppErrorWithCode('index_incompatible', /format version 99/),
    );
  });
});

describe('the index folder of a Weaviate collection', () => {
  const root = temporaryRoot('weaviate-pointer-');
  const pointer = {
    alias: 'Papers',
    collection: 'Papers_20260101_abcdef',
    model: { id: 'all-MiniLM-L6-v2', longPassages: 'truncate', titleWeight: 0.3 },
    createdAt: '2026-01-01T00:00:00.000Z',
    count: 3,
  };

  it('holds a manifest naming the backend, the alias, the collection and the model', async () => {
    const folder = join(root(), 'index');
    await writeCollectionPointer(folder, pointer);
    assert.deepEqual(await readCollectionPointer(folder), { format: 'paper-search-weaviate-collection', formatVersion: 1, backend: 'weaviate', ...pointer });
    assert.equal(await holdsCollectionPointer(folder), true);
    const manifest = JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8')) as { backend: string };
    assert.equal(manifest.backend, 'weaviate');
  });

  it('reads a folder written before titles had a weight as title weight 0', async () => {
    const folder = join(root(), 'before-title-weight');
    await mkdir(folder);
    const { titleWeight: _, ...modelWithoutTitleWeight } = pointer.model;
    await writeFile(
      join(folder, 'manifest.json'),
      JSON.stringify({ format: 'paper-search-weaviate-collection', formatVersion: 1, backend: 'weaviate', ...pointer, model: modelWithoutTitleWeight }),
    );
    assert.equal((await readCollectionPointer(folder))?.model.titleWeight, 0);
  });

  it('is not read from an embedded index folder, and never replaces a folder of other files', async () => {
    const embedded = join(root(), 'embedded');
    await mkdir(embedded);
    await writeFile(join(embedded, 'manifest.json'), JSON.stringify({ format: 'paper-search-index', formatVersion: 2 }));
    assert.equal(await readCollectionPointer(embedded), undefined);
    assert.equal(await holdsCollectionPointer(embedded), false);
    const other = join(root(), 'other');
    await mkdir(other);
    await writeFile(join(other, 'notes.txt'), 'keep me');
    await assert.rejects(writeCollectionPointer(other, pointer), isAppErrorWithCode('config_invalid', /holds other files/));
    assert.equal(await readFile(join(other, 'notes.txt'), 'utf8'), 'keep me');
  });

  it('regression: keeps an embedded index it replaces beside it (moving it to Weaviate deleted it, with the writes only it held)', async () => {
    const folder = join(root(), 'moving');
    await mkdir(folder);
    await writeFile(join(folder, 'manifest.json'), JSON.stringify({ format: 'paper-search-index', formatVersion: 2 }));
    await writeFile(join(folder, 'papers.jsonl'), '{"id":"written-1"}\n');
    const kept = await writeCollectionPointer(folder, pointer);
    assert.ok(kept !== undefined && kept.startsWith(`${folder}.previous-`), kept);
    assert.equal(await readFile(join(kept, 'papers.jsonl'), 'utf8'), '{"id":"written-1"}\n');
    assert.equal(await holdsCollectionPointer(folder), true);
    // A pointer replacing a pointer keeps nothing: the collections are Weaviate's to keep.
    assert.equal(await writeCollectionPointer(folder, pointer), undefined);
  });
});
