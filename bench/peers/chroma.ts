import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { chromaVenv } from '../lib/bench-packages.js';
import type { PeerDescription } from './peer-index.js';

const chromaExecutable = `${chromaVenv}/bin/chroma`;

/** A port free right now (the OS picks it), so two bench runs never share one Chroma server. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function call<T>(base: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(
    `${base}${path}`,
    body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
  if (!response.ok) throw new Error(`chroma ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/**
 * Chroma, the server a Python user would run: `chroma run` as a separate process (its memory is
 * measured there), fed and queried over its HTTP API with the product's HNSW parameters. Its
 * latencies include an HTTP round trip and JSON, as a client of it would see them.
 */
export const chroma: PeerDescription = {
  name: 'chroma server (HTTP)',
  method: 'HNSW M 16, efC 200, ef 128, over HTTP',
  async create(workDir) {
    if (!existsSync(chromaExecutable)) throw new Error(`${chromaExecutable} is missing: pip install chromadb failed (see bench/.cache/chroma-install.log)`);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}/api/v2/tenants/default_tenant/databases/default_database`;
    const server = spawn(chromaExecutable, ['run', '--path', workDir, '--host', '127.0.0.1', '--port', String(port)], { stdio: 'ignore' });
    for (let tries = 0; ; tries++) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/api/v2/heartbeat`)).ok) break;
      } catch {
        if (tries > 600) throw new Error('chroma did not start in 60 s');
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    let collection = '';
    return {
      serverPid: server.pid,
      async build(vectors, count, dimension) {
        const created = await call<{ id: string }>(base, '/collections', {
          name: 'papers',
          configuration: { hnsw: { space: 'ip', ef_construction: 200, max_neighbors: 16, ef_search: 128 } },
        });
        collection = created.id;
        // Chroma caps one add at its max batch size (~5k); 1,000 stays well inside it.
        for (let from = 0; from < count; from += 1000) {
          const to = Math.min(from + 1000, count);
          await call(base, `/collections/${collection}/add`, {
            ids: Array.from({ length: to - from }, (_, i) => String(from + i)),
            embeddings: Array.from({ length: to - from }, (_, i) => Array.from(vectors.subarray((from + i) * dimension, (from + i + 1) * dimension))),
          });
        }
      },
      async query(vector, k) {
        const result = await call<{ ids: string[][] }>(base, `/collections/${collection}/query`, {
          query_embeddings: [Array.from(vector)],
          n_results: k,
          include: [],
        });
        return result.ids[0]!.map(Number);
      },
      async close() {
        server.kill('SIGTERM');
        await new Promise((resolve) => server.once('exit', resolve));
      },
    };
  },
};
