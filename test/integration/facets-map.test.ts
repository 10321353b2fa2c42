import assert from 'node:assert/strict';
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { RunningServer } from '../../src/server.js';
import { readManifest, writeManifest } from '../../src/storage/embedded/manifest.js';
import { mapLayoutFileName } from '../../src/storage/embedded/map/map-layout-file.js';
import type { Paper } from '../../src/papers/paper.js';
import { buildIndex, embeddedOnly, makeTempDir, removeDir, repoRoot, request, startTestServer, testBackend } from './helpers.js';

const key = 'facets-map-test-key-0123456789';
const auth = { authorization: `Bearer ${key}` };
let workDir: string;
let server: RunningServer;
let papers: Paper[];

interface MapBody {
  count: number;
  ids: string[];
  x: string;
  y: string;
  groups: string[];
  group_sizes: number[];
  group: string;
  method: string;
  built_at: string;
}
interface FacetsBody {
  facet_distribution: Record<string, Record<string, number>>;
  facet_stats: { year?: { min: number; max: number } };
  papers: number;
}

before(async () => {
  workDir = await makeTempDir();
  await buildIndex(join(workDir, 'index'), join(repoRoot, 'index-data/samples/sample-papers.jsonl'));
  if (testBackend === 'embedded') await cp(join(workDir, 'index'), join(workDir, 'old-index'), { recursive: true });
  server = await startTestServer(join(workDir, 'index'), { API_KEYS: key, SNAPSHOT_INTERVAL_MS: '86400000' });
  papers = (await request<{ papers: Paper[] }>(server.url, '/v1/papers?limit=1000')).body.papers;
});

after(async () => {
  await server?.close();
  await removeDir(workDir);
});

/** The map with its arrays decoded, positions by paper id. */
async function decodedMap(url = server.url) {
  const response = await request<MapBody>(url, '/v1/map');
  assert.equal(response.status, 200);
  const body = response.body;
  const floats = (text: string) => {
    const bytes = Buffer.from(text, 'base64');
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  };
  const groupBytes = Buffer.from(body.group, 'base64');
  const group = new Uint16Array(groupBytes.buffer.slice(groupBytes.byteOffset, groupBytes.byteOffset + groupBytes.byteLength));
  const x = floats(body.x);
  const y = floats(body.y);
  assert.equal(x.length, body.count);
  assert.equal(y.length, body.count);
  assert.equal(group.length, body.count);
  assert.equal(body.ids.length, body.count);
  const at = new Map(body.ids.map((id, i) => [id, { x: x[i]!, y: y[i]!, group: body.groups[group[i]!]! }]));
  return { body, at };
}

/** What GET /v1/facets must answer, counted from the records. */
function countFrom(records: readonly Paper[], field: 'year' | 'categories'): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const paper of records) {
    const values = field === 'year' ? (paper.year === undefined ? [] : [String(paper.year)]) : [...new Set(paper.categories ?? [])];
    for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  }
  return counts;
}

describe('GET /v1/facets', () => {
  it('counts the whole collection, and a filtered part, as the records say', async () => {
    const whole = (await request<FacetsBody>(server.url, '/v1/facets?facets=year,categories')).body;
    assert.equal(whole.papers, papers.length);
    assert.deepEqual(whole.facet_distribution.year, countFrom(papers, 'year'));
    const categories = Object.entries(countFrom(papers, 'categories')).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    assert.deepEqual(Object.entries(whole.facet_distribution.categories!), categories.slice(0, 100), 'the 100 most frequent, most frequent first');
    const years = papers.flatMap((paper) => (paper.year === undefined ? [] : [paper.year]));
    assert.deepEqual(whole.facet_stats, { year: { min: Math.min(...years), max: Math.max(...years) } });

    const filtered = (await request<FacetsBody>(server.url, '/v1/facets?facets=categories&categories_any=cs.CV&year_gte=2026')).body;
    const matching = papers.filter((paper) => paper.categories?.includes('cs.CV') && (paper.year ?? 0) >= 2026);
    assert.ok(matching.length > 0);
    assert.equal(filtered.papers, matching.length);
    assert.equal(filtered.facet_distribution.categories!['cs.CV'], matching.length);
  });

  it('count papers written and deleted since, then as before', async () => {
    const source = papers.find((paper) => paper.authors?.length)!;
    const copy = { id: 'facets-copy', title: source.title, abstract: source.abstract, categories: ['zz.FACET'], year: 2031, authors: ['Facet  Tester'] };
    assert.equal((await request(server.url, '/v1/papers', { json: copy, headers: auth })).status, 201);
    const { took_ms: _took, ...written } = (
      await request<FacetsBody & { took_ms: number }>(server.url, '/v1/facets?facets=year,categories,authors&year_gte=2031')
    ).body;
    assert.deepEqual(written, {
      facet_distribution: { year: { '2031': 1 }, categories: { 'zz.FACET': 1 }, authors: { 'Facet Tester': 1 } },
      facet_stats: { year: { min: 2031, max: 2031 } },
      papers: 1,
    });
    assert.equal((await request(server.url, '/v1/papers/facets-copy', { method: 'DELETE', headers: auth })).status, 200);
    const after = (await request<FacetsBody>(server.url, '/v1/facets?facets=year,categories')).body;
    assert.equal(after.papers, papers.length);
    assert.equal(after.facet_distribution.categories!['zz.FACET'], undefined);
  });

  it('regression: count a paper once per value when it names a category or an author twice (Weaviate counted it twice)', async () => {
    const source = papers[0]!;
    const twice = {
      id: 'facets-twice',
      title: source.title,
      abstract: source.abstract,
      categories: ['zz.TWICE', 'zz.TWICE'],
      year: 2032,
      authors: ['Ada Lovelace', 'ada lovelace'],
    };
    assert.equal((await request(server.url, '/v1/papers', { json: twice, headers: auth })).status, 201);
    try {
      const counted = (await request<FacetsBody>(server.url, '/v1/facets?facets=categories,authors&year_gte=2032')).body;
      assert.deepEqual(counted.facet_distribution.categories, { 'zz.TWICE': 1 });
      assert.deepEqual(Object.values(counted.facet_distribution.authors ?? {}), [1]);
      assert.equal(counted.papers, 1);
    } finally {
      await request(server.url, '/v1/papers/facets-twice', { method: 'DELETE', headers: auth });
    }
  });

  it('refuses a request without facets or with an unknown one', async () => {
    for (const query of ['', '?facets=', '?facets=colour', '?facets=year&k=3']) {
      const response = await request<{ error: { code: string } }>(server.url, `/v1/facets${query}`);
      assert.equal(response.status, 400, query);
      assert.equal(response.body.error.code, 'invalid_input');
    }
  });
});

describe('facets of a ranked list', () => {
  it('come with the hits when asked for, counted over the candidates', async () => {
    const response = await request<{ hits: Paper[] } & FacetsBody>(server.url, '/v1/search', {
      json: { query: 'robot manipulation with vision', k: 3, mode: 'lexical', facets: ['categories', 'year'] },
    });
    assert.equal(response.status, 200);
    assert.equal(response.body.hits.length, 3);
    const counted = Object.values(response.body.facet_distribution.year!).reduce((sum, count) => sum + count, 0);
    assert.ok(counted > 3 && counted <= 100, `${counted} candidates with a year`);
    const plain = await request<Record<string, unknown>>(server.url, '/v1/search', {
      json: { query: 'robot manipulation with vision', k: 3, mode: 'lexical' },
    });
    assert.deepEqual(Object.keys(plain.body).sort(), ['hits', 'took_ms']);
    const related = await request<FacetsBody>(server.url, `/v1/papers/${papers[0]!.id}/related?k=2&facets=year,categories,authors`);
    assert.equal(related.status, 200);
    assert.ok(Object.keys(related.body.facet_distribution.authors!).length > 0);
  });
});

describe('GET /v1/map', () => {
  it(
    'answers 409 feature_unavailable naming the backend on Weaviate',
    { skip: testBackend === 'weaviate' ? undefined : 'the embedded backend has the map' },
    async () => {
      const response = await request<{ error: { code: string; message: string; details: { feature: string; backend: string } } }>(server.url, '/v1/map');
      assert.equal(response.status, 409);
      assert.equal(response.body.error.code, 'feature_unavailable');
      assert.deepEqual(response.body.error.details, { feature: 'map', backend: 'weaviate' });
      assert.match(response.body.error.message, /Weaviate/);
    },
  );

  it('places every paper, grouped by primary category', embeddedOnly('the map is computed for index folders'), async () => {
    const { body, at } = await decodedMap();
    assert.equal(body.count, papers.length);
    assert.equal(body.method, 'umap');
    assert.ok(!Number.isNaN(Date.parse(body.built_at)));
    assert.equal(new Set(body.ids).size, papers.length);
    assert.equal(
      body.group_sizes.reduce((sum, size) => sum + size, 0),
      papers.length,
    );
    for (const paper of papers) {
      const point = at.get(paper.id)!;
      assert.ok(Math.abs(point.x) <= 1 && Math.abs(point.y) <= 1, paper.id);
      assert.equal(point.group, paper.categories?.[0] ?? 'other', paper.id);
    }
  });

  it('follows writes and keeps every position across a snapshot', embeddedOnly('the map is computed for index folders'), async () => {
    const { at: before } = await decodedMap();
    const source = papers.find((paper) => paper.categories?.length)!;
    const copy = { id: 'map-copy', title: source.title, abstract: source.abstract, categories: ['zz.NEW'], year: 2030 };
    assert.equal((await request(server.url, '/v1/papers', { json: copy, headers: auth })).status, 201);
    const gone = papers.at(-1)!;
    assert.equal((await request(server.url, `/v1/papers/${gone.id}`, { method: 'DELETE', headers: auth })).status, 200);

    const { body, at: after } = await decodedMap();
    assert.equal(body.count, papers.length);
    assert.ok(!after.has(gone.id));
    const placed = after.get('map-copy')!;
    assert.equal(placed.group, 'zz.NEW');
    const original = after.get(source.id)!;
    assert.ok(Math.hypot(placed.x - original.x, placed.y - original.y) < 0.1, 'a copy of a paper is placed next to it');
    for (const [id, point] of after) if (id !== 'map-copy') assert.deepEqual(point, before.get(id), id);

    const facets = (await request<FacetsBody>(server.url, '/v1/facets?facets=year,categories')).body;
    assert.equal(facets.facet_distribution.categories!['zz.NEW'], 1);
    assert.equal(facets.facet_stats.year!.max, 2030);

    assert.equal((await request(server.url, '/v1/snapshots', { method: 'POST', headers: auth })).status, 200);
    const { at: snapshotted } = await decodedMap();
    assert.deepEqual([...snapshotted.keys()].sort(), [...after.keys()].sort());
    for (const [id, point] of after) assert.deepEqual(snapshotted.get(id), point, id);
    assert.deepEqual((await request<FacetsBody>(server.url, '/v1/facets?facets=year,categories')).body.facet_distribution, facets.facet_distribution);
  });

  it(
    'answers 503 map_building with Retry-After for an index built without a layout, then the map',
    embeddedOnly('the map is computed for index folders'),
    async () => {
      const folder = join(workDir, 'old-index');
      await removeLayout(folder);
      const old = await startTestServer(folder);
      try {
        const first = await request<{ error: { code: string; details: { retryAfterSeconds: number } } }>(old.url, '/v1/map');
        assert.equal(first.status, 503);
        assert.equal(first.body.error.code, 'map_building');
        assert.equal(first.headers.get('retry-after'), String(first.body.error.details.retryAfterSeconds));
        let response = first;
        for (let tries = 0; response.status === 503 && tries < 600; tries++) {
          await sleep(100);
          response = await request(old.url, '/v1/map');
        }
        assert.equal(response.status, 200);
        assert.equal((await decodedMap(old.url)).body.count, papers.length);
      } finally {
        await old.close();
      }
    },
  );

  it('closes while the map is being computed, and the next start computes it again', embeddedOnly('the map is computed for index folders'), async () => {
    const folder = join(workDir, 'old-index-closed');
    await cp(join(workDir, 'old-index'), folder, { recursive: true });
    await removeLayout(folder);
    const first = await startTestServer(folder);
    try {
      assert.equal((await request(first.url, '/v1/map')).status, 503);
    } finally {
      await first.close();
    }
    const again = await startTestServer(folder);
    try {
      assert.equal((await request<{ error: { code: string } }>(again.url, '/v1/map')).body.error.code, 'map_building');
    } finally {
      await again.close();
    }
  });
});

/** Makes `folder` an index built before map layouts existed (no layout file, none in the manifest). */
async function removeLayout(folder: string): Promise<void> {
  const manifest = await readManifest(folder);
  const { map: _layoutFile, ...files } = manifest.files;
  await writeManifest(folder, { ...manifest, files });
  await rm(join(folder, mapLayoutFileName), { force: true });
}

describe('GET /v1/papers/:id with fields', () => {
  it('returns the id and the chosen fields only', async () => {
    const response = await request<{ paper: Record<string, unknown> }>(server.url, `/v1/papers/${papers[0]!.id}?fields=title,year`);
    assert.equal(response.status, 200);
    assert.deepEqual(Object.keys(response.body.paper).sort(), ['id', 'title', 'year']);
    assert.equal((await request(server.url, `/v1/papers/${papers[0]!.id}?fields=colour`)).status, 400);
  });
});
