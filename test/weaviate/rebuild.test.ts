import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readFile, writeFile } from 'node:fs/promises';
import { getModel } from '../../src/embedding/model-registry.js';
import { detectFormat } from '../../src/ingest/record-readers.js';
import { ingestPapers } from '../../src/ingest/ingest.js';
import type { Paper } from '../../src/papers/paper.js';
import { WeaviateStorage } from '../../src/storage/weaviate/weaviate-storage.js';
import type { RunningServer } from '../../src/server.js';
import { connectWeaviate } from '../../src/storage/weaviate/weaviate-connection.js';
import { waitFor } from '../integration/weaviate-support.js';
import {
  loadTestEmbedder,
  makeTempDir,
  removeDir,
  repoRoot,
  request,
  runCli,
  silentLog,
  startTestServer,
  testBackend,
  testConfig,
} from '../integration/helpers.js';

// Ingestion rebuilding the collection a server is serving: the alias moves under the server.

const apiKey = 'rebuild-drill-key-0123456789';
/** Servers read the alias every 2 s: ample time to see a new build. */
const aliasCheckMs = 30_000;
const alias = `Rebuild${randomBytes(6).toString('hex')}`;
const input = join(repoRoot, 'test/fixtures/ingest-papers.json');

let workDir: string;
let indexDir: string;
let server: RunningServer;
const kept: string[] = [];

async function ingest(modelId: string, papers = input) {
  const embedder = await loadTestEmbedder(modelId);
  try {
    return await ingestPapers(embedder, {
      input: papers,
      format: detectFormat(papers),
      indexDir,
      storage: testConfig({ WEAVIATE_COLLECTION: alias }),
      log: silentLog,
    });
  } finally {
    await embedder.dispose();
  }
}

describe(
  'rebuilding the collection a server serves',
  { skip: testBackend !== 'weaviate' && 'needs the local Weaviate cluster (TEST_BACKEND=weaviate)' },
  () => {
    before(async () => {
      workDir = await makeTempDir();
      indexDir = join(workDir, 'index');
      await ingest('all-MiniLM-L6-v2');
      server = await startTestServer(indexDir, { API_KEYS: apiKey });
    });

    after(async () => {
      await server?.close();
      await removeDir(workDir);
      const client = await connectWeaviate(testConfig());
      try {
        for (const name of kept) await client.collections.delete(name).catch(() => undefined);
      } finally {
        await client.close();
      }
    });

    it('regression: doctor asks the cluster what the folder names (it passed a folder whose cluster was down, and serve failed)', async () => {
      const checkIndex = async (environment: Record<string, string>) => {
        const result = await runCli('doctor', ['--index', indexDir, '--json'], { PORT: '0', BACKEND: 'weaviate', WEAVIATE_COLLECTION: alias, ...environment });
        const checks = result.stdout
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as { check: string; status: string; message: string; fix?: string });
        return { code: result.code, index: checks.find((check) => check.check === 'index')! };
      };
      const served = await checkIndex({});
      assert.equal(served.index.status, 'ok', served.index.message);
      assert.match(served.index.message, new RegExp(`the cluster answers, and ${alias} names a build of all-MiniLM-L6-v2`));
      const unreachable = await checkIndex({ WEAVIATE_URL: 'http://127.0.0.1:9', WEAVIATE_GRPC: '127.0.0.1:9' });
      assert.equal(unreachable.code, 1);
      assert.equal(unreachable.index.status, 'fail');
      assert.match(unreachable.index.fix!, /WEAVIATE_URL/);
      // Regression: the cluster's verdict followed "; but" with a capital, as a clause of the check's sentence.
      assert.match(unreachable.index.message, /^[^;]+: [A-Z][^]*[^.]$/);
      // verify gives the same verdict (it passed the folder whatever the cluster said).
      const verify = (environment: Record<string, string>) =>
        runCli('verify', ['--index', indexDir], { BACKEND: 'weaviate', WEAVIATE_COLLECTION: alias, ...environment });
      assert.equal((await verify({})).code, 0);
      const verifyUnreachable = await verify({ WEAVIATE_URL: 'http://127.0.0.1:9', WEAVIATE_GRPC: '127.0.0.1:9' });
      assert.equal(verifyUnreachable.code, 1);
      assert.match(verifyUnreachable.stderr, /error \[storage_unavailable\].*WEAVIATE_URL/);
    });

    it('regression: refuses a replication factor the cluster cannot hold as a setting to change (an unexpected error with a stack trace)', async () => {
      const embedder = await loadTestEmbedder('all-MiniLM-L6-v2');
      try {
        await assert.rejects(
          ingestPapers(embedder, {
            input,
            format: 'json',
            indexDir: join(workDir, 'too-many-copies'),
            storage: testConfig({ WEAVIATE_COLLECTION: `${alias}Copies`, WEAVIATE_REPLICATION_FACTOR: '3' }),
            log: silentLog,
          }),
          (error: unknown) => {
            assert.equal((error as { code?: string }).code, 'config_invalid');
            assert.match((error as Error).message, /^WEAVIATE_REPLICATION_FACTOR is 3, but the Weaviate cluster has 2 nodes: set it to at most 2\.$/);
            return true;
          },
        );
      } finally {
        await embedder.dispose();
      }
    });

    it('regression: keeps the collection served before when it took writes (a rebuild dropped acknowledged writes), and the server serves the new build', async () => {
      const createdBefore = (await request<{ index: { createdAt: string } }>(server.url, '/v1/stats')).body.index.createdAt;
      const written = await request(server.url, '/v1/papers/written-before-rebuild', {
        method: 'PUT',
        json: { title: 'Written before the rebuild', abstract: 'An acknowledged write the input file does not hold.' },
        headers: { authorization: `Bearer ${apiKey}` },
      });
      assert.equal(written.status, 201);

      const summary = await ingest('all-MiniLM-L6-v2');
      assert.equal(summary.collection.keptPrevious?.writes, 1);
      kept.push(summary.collection.keptPrevious!.collection);
      const client = await connectWeaviate(testConfig());
      try {
        const old = client.collections.get(summary.collection.keptPrevious!.collection);
        const objects = await old.query.fetchObjects({ filters: old.filter.byProperty('paper_id').equal('written-before-rebuild'), limit: 1 });
        assert.equal(objects.objects.length, 1, 'the acknowledged write is in the kept collection');
      } finally {
        await client.close();
      }

      const stats = await waitFor(
        'the server taking up the new build',
        () => request<{ index: { createdAt: string; collection?: string } }>(server.url, '/v1/stats'),
        (answer) => answer.status === 200 && answer.body.index.createdAt !== createdBefore,
        aliasCheckMs,
      );
      assert.equal(stats.status, 200);
      // Stats name the collection served (they gave only the build's time).
      assert.match(stats.body.index.collection ?? '', new RegExp(`^${alias}_`));
      assert.notEqual(stats.body.index.collection, summary.collection.keptPrevious!.collection);
      assert.equal((await request(server.url, '/readyz')).status, 200);
    });

    it("regression: scores with the counts of the build it serves (a rebuild left the previous collection's counts in its lexical scores for ten minutes)", async () => {
      const lexical = async (url: string) =>
        (
          await request<{ hits: { id: string; score: number }[] }>(url, '/v1/search', {
            method: 'POST',
            json: { query: 'contrastive learning', mode: 'lexical', fields: [] },
          })
        ).body.hits;
      const createdBefore = (await request<{ index: { createdAt: string } }>(server.url, '/v1/stats')).body.index.createdAt;
      await lexical(server.url);
      // Five more papers holding "contrastive": its count, and so every score, changes.
      const papers = join(workDir, 'more-contrastive.jsonl');
      const more = [1, 2, 3, 4, 5].map((n) => ({ _id: `contrastive-${n}`, title: `Contrastive study ${n}`, text: `Contrastive objectives, case ${n}.` }));
      await writeFile(papers, [...(JSON.parse(await readFile(input, 'utf8')) as object[]), ...more].map((paper) => JSON.stringify(paper)).join('\n'));
      await ingest('all-MiniLM-L6-v2', papers);
      await waitFor(
        'the server taking up the new build',
        () => request<{ index: { createdAt: string } }>(server.url, '/v1/stats'),
        (answer) => answer.status === 200 && answer.body.index.createdAt !== createdBefore,
        aliasCheckMs,
      );
      const fresh = await startTestServer(indexDir);
      try {
        const [served, counted] = [await lexical(server.url), await lexical(fresh.url)];
        assert.equal(counted.length, 6, 'the five new papers and the one of the input holding the words');
        assert.deepEqual(served, counted);
      } finally {
        await fresh.close();
      }
    });

    it('regression: refuses a write as soon as the alias names a build of another model (one in the 2 s before the server noticed was stored with its vectors)', async () => {
      // Never polling: only the check before each write can find the new build.
      const storage = await WeaviateStorage.open({
        settings: testConfig(),
        alias,
        model: getModel('all-MiniLM-L6-v2'),
        log: silentLog,
        healthIntervalMs: 3_600_000,
      });
      try {
        await ingest('bge-small-en-v1.5');
        const paper = { id: 'written-in-the-window', title: 'Not to be stored', abstract: 'A vector of the wrong model.' } as Paper;
        await assert.rejects(storage.commit([[{ op: 'put', paper, vector: new Float32Array(384).fill(1 / Math.sqrt(384)) }]]), (error: unknown) => {
          assert.equal((error as { code?: string }).code, 'storage_unavailable');
          return true;
        });
      } finally {
        await storage.close();
      }
    });

    it('regression: refuses requests once the alias names a build of another model (it served cosines of two models, and wrote its vectors into the other build)', async () => {
      const ready = await waitFor(
        'the server noticing the model changed',
        () => request<{ status: string; storage_reason?: string }>(server.url, '/readyz'),
        (answer) => answer.status === 503,
        aliasCheckMs,
      );
      assert.equal(ready.body.status, 'storage_down');
      assert.match(ready.body.storage_reason ?? '', /bge-small-en-v1\.5/);
      const search = await request<{ error: { code: string; message: string } }>(server.url, '/v1/search', {
        method: 'POST',
        json: { query: 'graph neural networks' },
      });
      assert.equal(search.status, 503);
      assert.equal(search.body.error.code, 'storage_unavailable');
      assert.match(search.body.error.message, /Restart this server on the manifest\.json the rebuild wrote/);
      const write = await request(server.url, '/v1/papers/after-model-change', {
        method: 'PUT',
        json: { title: 'Not to be stored', abstract: 'A vector of the wrong model.' },
        headers: { authorization: `Bearer ${apiKey}` },
      });
      assert.equal(write.status, 503);
    });
  },
);

describe(
  'rebuilding behind an alias whose collection was deleted',
  { skip: testBackend !== 'weaviate' && 'needs the local Weaviate cluster (TEST_BACKEND=weaviate)' },
  () => {
    it("regression: publishes the new build and succeeds (it moved the alias, then failed with a 404 looking for the deleted collection's writes)", async () => {
      const danglingAlias = `Dangling${randomBytes(6).toString('hex')}`;
      const folder = await makeTempDir();
      const embedder = await loadTestEmbedder('all-MiniLM-L6-v2');
      const client = await connectWeaviate(testConfig());
      const build = () =>
        ingestPapers(embedder, {
          input,
          format: detectFormat(input),
          indexDir: folder,
          storage: testConfig({ WEAVIATE_COLLECTION: danglingAlias }),
          log: silentLog,
        });
      try {
        await build();
        const first = (await client.alias.get(danglingAlias)).collection;
        await client.collections.delete(first);
        await build();
        const second = (await client.alias.get(danglingAlias)).collection;
        assert.notEqual(second, first);
        assert.equal(JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8')).collection, second);
      } finally {
        const target = await client.alias.get(danglingAlias).then(
          (entry) => entry.collection,
          () => undefined,
        );
        await client.alias.delete(danglingAlias).catch(() => undefined);
        if (target !== undefined) await client.collections.delete(target).catch(() => undefined);
        await client.close();
        await embedder.dispose();
        await removeDir(folder);
      }
    });
  },
);
