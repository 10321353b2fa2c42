import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setImmediate } from 'node:timers/promises';
import { facetNames, topValues } from '../../src/papers/paper-facets.js';
import { paperMatcher, type PaperFilter } from '../../src/papers/paper-filter.js';
import type { Paper } from '../../src/papers/paper.js';
import { FacetColumns } from '../../src/storage/embedded/facet-columns.js';
import { analyzerName } from '../../src/storage/embedded/lexical/analyzer.js';
import { createBm25Builder } from '../../src/storage/embedded/lexical/bm25-builder.js';
import { defaultBm25Parameters } from '../../src/storage/embedded/lexical/bm25-scoring.js';
import { LiveIndex } from '../../src/storage/embedded/live-index.js';
import { indexFiles, indexFormatVersion } from '../../src/storage/embedded/manifest.js';
import { describeModel } from '../../src/storage/model-summary.js';
import { VectorIndex, defaultHnswParameters } from '../../src/storage/embedded/vector-index.js';
import { PaperStore } from '../../src/storage/embedded/paper-store.js';
import { PapersFileWriter, parseFacetFieldsOfLine, scanPapersFile } from '../../src/storage/embedded/papers-file.js';
import { buildFakeIndex, FakeEmbedder, openFakeStorage, topicPapers } from './fake-collection.js';
import { longestWait, temporaryRoot } from './support.js';
import { seededRandom } from '../../src/shared/seeded-random.js';

const root = temporaryRoot('paper-search-facets-');
const embedder = new FakeEmbedder();
const all = [...facetNames];

describe('topValues', () => {
  it('keeps the most frequent values, by count then value, and leaves out zeros', () => {
    const values = ['c', 'a', 'b', 'd', 'e'];
    const top = topValues(values, [2, 5, 2, 0, 1], 3);
    assert.deepEqual(Object.entries(top), [
      ['a', 5],
      ['b', 2],
      ['c', 2],
    ]);
    assert.deepEqual(topValues(values, [0, 0, 0, 0, 0], 3), {});
  });

  it('cuts ties at the limit by value, like a full sort would', () => {
    const random = seededRandom(7);
    const values = Array.from({ length: 500 }, (_, i) => `v${String(i).padStart(3, '0')}`);
    const counts = values.map(() => Math.floor(random() * 6));
    const expected = values
      .map((value, i) => [value, counts[i]!] as const)
      .filter(([, count]) => count > 0)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 100);
    assert.deepEqual(Object.entries(topValues(values, counts, 100)), expected);
  });
});

describe('parseFacetFieldsOfLine', () => {
  it('reads year, categories and authors without parsing the abstract, for every record shape', async () => {
    const papers: Paper[] = [
      ...topicPapers,
      { id: 'bare', title: 'No metadata', abstract: 'Only text, with "quotes" and ,"year": inside.' },
      { id: 'year-only', title: 'T', abstract: 'A ,"authors":["x"] lookalike', year: 2001, doi: '10.1/x' },
    ];
    const path = join(root(), 'papers.jsonl');
    const writer = new PapersFileWriter(path);
    for (const paper of papers) await writer.append(paper);
    await writer.close();
    const file = await scanPapersFile(path);
    papers.forEach((paper, line) => {
      const { year, categories, authors } = paper;
      assert.deepEqual(parseFacetFieldsOfLine(file, line), { year, categories, authors }, paper.id);
    });
  });
});

/** Random papers over a few years, categories and authors (some without any). */
function randomPapers(count: number, seed: number): Paper[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const categories = ['cs.CV', 'cs.CL', 'cs.LG', 'stat.ML', 'q-bio.BM'];
  const authors = ['Ada Lovelace', 'ada  lovelace', 'Alan Turing', 'Grace Hopper', 'Émile Borel'];
  return Array.from({ length: count }, (_, i) => {
    const paper: Paper = { id: `r${i}`, title: `Paper ${i}`, abstract: `Abstract ${i}.` };
    if (random() < 0.8) paper.year = 2018 + Math.floor(random() * 8);
    if (random() < 0.9) paper.categories = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(categories));
    if (random() < 0.7) paper.authors = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(authors));
    return paper;
  });
}

/** What counting must give: straight from the records. */
function expectedCounts(papers: readonly Paper[]) {
  const years = new Map<string, number>();
  const categories = new Map<string, number>();
  for (const paper of papers) {
    if (paper.year !== undefined) years.set(String(paper.year), (years.get(String(paper.year)) ?? 0) + 1);
    for (const category of new Set(paper.categories)) categories.set(category, (categories.get(category) ?? 0) + 1);
  }
  return { year: Object.fromEntries(years), categories: Object.fromEntries(categories) };
}

describe('FacetColumns', () => {
  const papers = randomPapers(400, 11);
  const store = PaperStore.fromPapers(papers);
  const columns = FacetColumns.build(store);
  const everyLabel = papers.map((_, label) => label);

  it('counts each paper once per value; papers without a year or categories do not count', () => {
    const counts = columns.count(everyLabel, all, 100);
    const expected = expectedCounts(papers);
    assert.equal(counts.papers, 400);
    assert.deepEqual(sortedEntries(counts.distribution.year!), sortedEntries(expected.year));
    assert.deepEqual(sortedEntries(counts.distribution.categories!), sortedEntries(expected.categories));
    const years = papers.flatMap((paper) => (paper.year === undefined ? [] : [paper.year]));
    assert.deepEqual(counts.stats.year, { min: Math.min(...years), max: Math.max(...years) });
  });

  it('counts authors by their normalized name, shown as first written', () => {
    const counts = columns.count(everyLabel, ['authors'], 100);
    const lovelace = papers.filter((paper) => paper.authors?.some((author) => author.toLowerCase().replace(/\s+/g, ' ') === 'ada lovelace')).length;
    const firstSpelling = papers.flatMap((paper) => paper.authors ?? []).find((author) => /lovelace/i.test(author))!;
    assert.equal(counts.distribution.authors![firstSpelling.replace(/\s+/g, ' ')], lovelace);
    assert.equal(Object.keys(counts.distribution.authors!).filter((name) => /lovelace/i.test(name)).length, 1);
    assert.deepEqual(Object.keys(counts.distribution), ['authors'], 'only the facets asked for');
    assert.deepEqual(counts.stats, {}, 'no year stats without the year facet');
  });

  it('names the author a name is, as first written, counting the papers that list them and no tombstone', () => {
    const lovelace = papers.flatMap((paper, label) => (paper.authors?.some((author) => /^ada\s+lovelace$/i.test(author)) ? [label] : []));
    const firstSpelling = papers.flatMap((paper) => paper.authors ?? []).find((author) => /lovelace/i.test(author))!;
    const everyLabelLive = () => true;
    assert.deepEqual(columns.author('LOVELACE, Ada', everyLabelLive), { name: firstSpelling.replace(/\s+/g, ' '), papers: lovelace.length });
    assert.deepEqual(
      columns.author('Ada Lovelace', (label) => label !== lovelace[0]),
      { name: firstSpelling.replace(/\s+/g, ' '), papers: lovelace.length - 1 },
    );
    assert.equal(
      columns.author('Ada Lovelace', () => false),
      undefined,
      'no live paper lists them',
    );
    assert.equal(columns.author('Nobody Here', everyLabelLive), undefined);
  });

  it('reports at most the limit of values, the most frequent', () => {
    const counts = columns.count(everyLabel, ['categories'], 2);
    const expected = Object.entries(expectedCounts(papers).categories).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    assert.deepEqual(Object.entries(counts.distribution.categories!), expected.slice(0, 2));
  });

  it('evaluates the metadata filters exactly as paperMatcher does on the records', () => {
    const random = seededRandom(5);
    const names = ['cs.CV', 'cs.CL', 'cs.LG', 'stat.ML', 'nope'];
    const people = ['ADA LOVELACE', 'Alan  Turing', 'émile borel', 'Nobody'];
    for (let trial = 0; trial < 200; trial++) {
      const filter: PaperFilter = {};
      if (random() < 0.5) filter.year = { gte: 2018 + Math.floor(random() * 8), ...(random() < 0.5 ? { lt: 2020 + Math.floor(random() * 6) } : {}) };
      if (random() < 0.5) filter.categories = random() < 0.5 ? { any: [names[Math.floor(random() * 5)]!] } : { all: names.filter(() => random() < 0.3) };
      if (random() < 0.4) filter.authors = { any: people.filter(() => random() < 0.5) };
      const onRecords = paperMatcher(filter);
      const onColumns = columns.matcher(filter);
      assert.equal(onColumns === undefined, onRecords === undefined, JSON.stringify(filter));
      if (!onRecords) continue;
      for (const label of everyLabel) assert.equal(onColumns!(label), onRecords(papers[label]!), `${JSON.stringify(filter)} on ${label}`);
    }
  });

  it('carries its values to a renumbered store by paper id, and reads papers it does not know', () => {
    const next = PaperStore.fromPapers([papers[5]!, papers[3]!, { id: 'new', title: 'N', abstract: 'A', year: 1999, categories: ['new.cat'] }]);
    const carried = FacetColumns.carried(columns, store, next);
    const counts = carried.count([0, 1, 2], all, 100);
    assert.deepEqual(sortedEntries(counts.distribution.year!), sortedEntries(expectedCounts([papers[5]!, papers[3]!, next.byLabel(2)]).year));
    assert.equal(carried.primaryCategory(2), 'new.cat');
    assert.equal(carried.primaryCategory(0), papers[5]!.categories?.[0]);
  });

  it('regression: carried across a snapshot, keeps only the values of the papers still stored (the new columns shared the old dictionaries, so every author and category ever written, those of deleted papers too, stayed in memory until a restart)', () => {
    const many = (id: string, tag: string): Paper => ({
      id,
      title: 'T',
      abstract: 'A',
      authors: Array.from({ length: 50 }, (_, i) => `Author ${tag}${i}`),
      categories: [`cat.${tag}`],
    });
    const before = PaperStore.fromPapers([many('kept', 'k'), many('gone-1', 'g'), many('gone-2', 'h')]);
    const next = PaperStore.fromPapers([before.byLabel(0), { id: 'new', title: 'N', abstract: 'A', authors: ['Author k0', 'Zoe New'], categories: ['cat.k'] }]);
    const carried = FacetColumns.carried(FacetColumns.build(before), before, next);
    assert.equal(carried.authors.dictionary.size, 51);
    assert.equal(carried.categories.dictionary.size, 1);
    const counts = carried.count([0, 1], ['authors', 'categories'], 100);
    assert.equal(counts.distribution.authors!['Author k0'], 2);
    assert.equal(counts.distribution.authors!['Zoe New'], 1);
    assert.deepEqual(counts.distribution.categories, { 'cat.k': 2 });
    assert.equal(carried.matcher({ authors: { any: ['author g1'] } })!(0), false);
    assert.equal(carried.matcher({ authors: { any: ['AUTHOR K7'] } })!(0), true);
  });

  it('regression: takes the values of a paper in time linear in their number (each was looked for among those before it: 0.48 s for a paper of 10,000 authors)', () => {
    let batch = 0;
    // The same values and dictionary work either way: in one paper, or spread over ten.
    const timed = (papers: number) => {
      const values = Array.from({ length: 20_000 }, (_, i) => `value${i}.${batch}`);
      batch++;
      const growing = FacetColumns.empty();
      const size = values.length / papers;
      const started = performance.now();
      for (let paper = 0; paper < papers; paper++) growing.append({ categories: values.slice(paper * size, (paper + 1) * size) });
      return performance.now() - started;
    };
    // The fastest of three of each, in the same run (a shared machine's load and the collector move both).
    const spread = Math.min(timed(10), timed(10), timed(10));
    const whole = Math.min(timed(1), timed(1), timed(1));
    // About the same when linear; ten times as long and more when each value scans those before it.
    assert.ok(whole < 4 * spread, `20,000 values in one paper ${whole.toFixed(0)} ms, in ten ${spread.toFixed(0)} ms`);

    const columns = FacetColumns.empty();
    columns.append({ categories: ['cs.CL', 'cs.AI', 'cs.CL'], authors: ['Ada Lovelace', 'Alan Turing', 'ADA  LOVELACE'] });
    assert.equal(columns.primaryCategory(0), 'cs.CL');
    const counts = columns.count([0], ['categories', 'authors'], 100);
    assert.deepEqual(
      counts.distribution,
      { categories: { 'cs.AI': 1, 'cs.CL': 1 }, authors: { 'Ada Lovelace': 1, 'Alan Turing': 1 } },
      'a value given twice counts once',
    );
  });
});

/** A LiveIndex of `papers`, as loaded, with no vectors to speak of. */
function liveIndexOf(papers: readonly Paper[]): LiveIndex {
  const manifest = {
    format: 'paper-search-index' as const,
    formatVersion: indexFormatVersion,
    model: describeModel(embedder.model),
    count: papers.length,
    hnsw: defaultHnswParameters,
    lexical: { analyzer: analyzerName, ...defaultBm25Parameters },
    files: { ...indexFiles },
    createdAt: '2024-01-01T00:00:00.000Z',
  };
  return new LiveIndex({
    folder: '/nonexistent/index',
    integrity: 'no checksums',
    manifest,
    papers: PaperStore.fromPapers(papers),
    vectors: VectorIndex.create(embedder.model.dimension, defaultHnswParameters),
    storedVectors: new Float32Array(papers.length * embedder.model.dimension),
    lexical: createBm25Builder().build(),
  });
}

describe('LiveIndex facets', () => {
  it('regression: builds the columns of papers with thousands of authors a slice at a time, so other requests are answered meanwhile (2,048 such papers a turn held them 0.96 s)', async () => {
    const papers = Array.from({ length: 600 }, (_, i): Paper => ({
      id: `crowded-${i}`,
      title: `Crowded ${i}`,
      abstract: `A large collaboration, number ${i}.`,
      authors: Array.from({ length: 1_250 }, (_, j) => `Member${j} Of Collaboration${i % 7}`),
    }));
    const index = liveIndexOf(papers);
    let columnCount = 0;
    const { longest, took } = await longestWait(async () => {
      columnCount = (await index.facets()).size;
    });
    assert.equal(columnCount, papers.length);
    assert.ok(longest < took / 4, `the event loop waited ${longest.toFixed(0)} ms while the columns were built for ${took.toFixed(0)} ms`);
  });

  it('builds the columns a slice at a time, and a write applied meanwhile is counted', async () => {
    const papers = randomPapers(5_000, 3);
    const index = liveIndexOf(papers);
    const building = index.facets();
    await setImmediate();
    const vector = embedder.vectorOf('late paper');
    index.apply(1, [{ op: 'put', paper: { id: 'late', title: 'Late', abstract: 'Written while the columns were built.', categories: ['late.cat'] }, vector }]);
    const columns = await building;
    assert.equal(columns.size, papers.length + 1);
    assert.equal(columns.primaryCategory(papers.length), 'late.cat');
    assert.equal(await index.facets(), columns, 'built once');
  });
});

describe('EmbeddedStorage.facets', () => {
  it('counts the whole collection, a filter, or a list of ids; writes and deletes keep the counts right, before and after a snapshot', async () => {
    const folder = join(root(), 'storage', 'index');
    await buildFakeIndex(folder, embedder);
    const storage = await openFakeStorage(folder, embedder);
    try {
      const facets = (query: Partial<Parameters<typeof storage.facets>[0]> = {}) => storage.facets({ fields: all, maxValuesPerFacet: 100, ...query });
      const whole = await facets();
      assert.equal(whole.papers, topicPapers.length);
      assert.deepEqual(whole.distribution.categories, { 'physics.geo-ph': 2, 'cs.CV': 2, 'cs.LG': 2, 'q-bio.BM': 2, 'eess.AS': 1, 'physics.ao-ph': 1 });
      assert.deepEqual(whole.stats.year, { min: 2019, max: 2024 });

      const recent = await facets({ filter: { year: { gte: 2023 }, exclude_ids: ['doi:10.1000/volcano.1', 'video-2'] } });
      assert.equal(recent.papers, 3);
      assert.deepEqual(recent.distribution.year, { 2023: 1, 2024: 2 });

      const some = await facets({ ids: ['protein-1', 'protein-1', 'video-1', 'unknown'], fields: ['categories'] });
      assert.equal(some.papers, 2);
      assert.deepEqual(some.distribution, { categories: { 'cs.CV': 1, 'cs.LG': 1, 'q-bio.BM': 1 } });

      const vector = embedder.vectorOf('glacier');
      await storage.commit([
        [
          {
            op: 'put',
            paper: { id: 'glacier-1', title: 'Glaciers', abstract: 'Ice.', year: 2025, categories: ['physics.geo-ph'], authors: ['ALAN TURING'] },
            vector,
          },
        ],
        [{ op: 'delete', id: 'speech-1' }],
        [{ op: 'put', paper: { ...topicPapers[5]!, year: 2025, categories: ['eess.IV'] }, vector }],
      ]);
      const check = async (when: string) => {
        const after = await facets();
        assert.equal(after.papers, topicPapers.length, when);
        assert.equal(after.distribution.categories!['physics.geo-ph'], 3, when);
        assert.equal(after.distribution.categories!['eess.AS'], undefined, `${when}: a deleted paper no longer counts`);
        assert.equal(after.distribution.categories!['cs.CV'], 1, `${when}: a replaced paper counts as its new version`);
        assert.equal(after.distribution.categories!['eess.IV'], 1, when);
        assert.equal(after.distribution.authors!['Alan Turing'], 2, when);
        assert.deepEqual(after.stats.year, { min: 2021, max: 2025 }, when);
        assert.equal((await facets({ filter: { categories: { any: ['eess.IV'] } } })).papers, 1, when);
      };
      await check('after the writes');
      await storage.snapshot();
      await check('after a snapshot');
      await storage.commit([[{ op: 'delete', id: 'glacier-1' }]]);
      assert.equal((await facets()).distribution.categories!['physics.geo-ph'], 2, 'a write after the snapshot');
    } finally {
      await storage.close();
    }
  });
});

function sortedEntries(record: Record<string, number>): [string, number][] {
  return Object.entries(record).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}
