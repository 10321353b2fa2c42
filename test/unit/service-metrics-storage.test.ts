import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServiceMetrics } from '../../src/metrics/service-metrics.js';
import type { PaperStorage, StorageHealth } from '../../src/storage/paper-storage.js';

/** A storage whose figures never come, as a Weaviate cluster that stopped answering. */
function hangingStorage(health: StorageHealth): { storage: PaperStorage; statsCalls: () => number } {
  let calls = 0;
  const storage = {
    health: () => health,
    stats: () => {
      calls++;
      return new Promise(() => undefined);
    },
  } as unknown as PaperStorage;
  return { storage, statsCalls: () => calls };
}

describe('the storage metrics', () => {
  it('regression: /metrics answers with storage_up 0 at once while the storage is down (it waited on the storage, then failed)', async () => {
    const { storage, statsCalls } = hangingStorage({ status: 'down', reason: 'unreachable' });
    const metrics = new ServiceMetrics(
      () => storage,
      () => undefined,
    );
    const started = performance.now();
    const text = await metrics.registry.metrics();
    assert.ok(performance.now() - started < 1_000);
    assert.match(text, /^paper_search_storage_up 0$/m);
    assert.equal(statsCalls(), 0);
  });

  it('gives up on figures that do not come within the bound, reading them once for every gauge of a scrape', async () => {
    const { storage, statsCalls } = hangingStorage({ status: 'ok' });
    const metrics = new ServiceMetrics(
      () => storage,
      () => undefined,
    );
    const started = performance.now();
    const text = await metrics.registry.metrics();
    const seconds = (performance.now() - started) / 1000;
    assert.ok(seconds >= 1.9 && seconds < 5, `answered after ${seconds} s`);
    assert.match(text, /^paper_search_storage_up 1$/m);
    assert.equal(statsCalls(), 1);
  });
});

describe('the model refusal metric', () => {
  it('regression: has a series at 0 for each reason before any refusal (the family had no sample, so increase() missed the first)', async () => {
    const metrics = new ServiceMetrics(
      () => undefined,
      () => undefined,
    );
    const text = await metrics.registry.metrics();
    assert.match(text, /^paper_search_model_refusals_total\{reason="queue_full"\} 0$/m);
    assert.match(text, /^paper_search_model_refusals_total\{reason="deadline"\} 0$/m);
    metrics.schedulerObserver.refused?.('deadline');
    assert.match(await metrics.registry.metrics(), /^paper_search_model_refusals_total\{reason="deadline"\} 1$/m);
  });
});
