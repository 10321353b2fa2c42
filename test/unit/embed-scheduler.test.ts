import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EmbedScheduler, type ModelBatch } from '../../src/embedding/embed-scheduler.js';
import { isAppErrorWithCode } from './support.js';

/**
 * A model whose calls finish only when the test says so: every call is recorded, and
 * `finish()` answers the oldest one with a one-number vector per text (its length).
 */
function controllableModel() {
  const calls: { batch: ModelBatch; resolve: (vectors: Float32Array[]) => void; reject: (error: Error) => void }[] = [];
  return {
    calls,
    run: (batch: ModelBatch) => new Promise<Float32Array[]>((resolve, reject) => calls.push({ batch, resolve, reject })),
    finish() {
      const call = calls.find((candidate) => !('done' in candidate));
      assert.ok(call, 'a model call is running');
      Object.assign(call, { done: true });
      call.resolve(call.batch.texts.map((text) => Float32Array.of(text.length)));
    },
    fail(error: Error) {
      const call = calls.find((candidate) => !('done' in candidate));
      assert.ok(call, 'a model call is running');
      Object.assign(call, { done: true });
      call.reject(error);
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

function scheduler(model: ReturnType<typeof controllableModel>, overrides: Partial<ConstructorParameters<typeof EmbedScheduler>[1]> = {}) {
  return new EmbedScheduler(model.run, {
    batchSize: 4,
    maxBatchTokens: 1_000,
    maxQueuedTokens: 1_000,
    costOf: (text) => text.length,
    initialTokensPerSecond: 100,
    ...overrides,
  });
}

describe('EmbedScheduler', () => {
  it('answers each request with its vectors in its own order, shortest texts first to the model', async () => {
    const model = controllableModel();
    const queue = scheduler(model);
    const answer = queue.submit('passage', ['cccc', 'a', 'bb']);
    await settle();
    assert.deepEqual(model.calls[0]!.batch, { kind: 'passage', texts: ['a', 'bb', 'cccc'] });
    model.finish();
    assert.deepEqual(
      (await answer).map((vector) => vector[0]),
      [4, 1, 2],
    );
  });

  it('runs one model call at a time, at most a batch of texts, of one kind', async () => {
    const model = controllableModel();
    const queue = scheduler(model);
    const passages = queue.submit('passage', ['p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    const queries = queue.submit('query', ['q'], { client: 'other' });
    await settle();
    assert.equal(model.calls.length, 1);
    assert.equal(model.calls[0]!.batch.texts.length, 4);
    model.finish();
    await settle();
    model.finish();
    await settle();
    model.finish();
    await Promise.all([passages, queries]);
    assert.ok(model.calls.every(({ batch }) => batch.texts.length <= 4));
    assert.ok(model.calls.some(({ batch }) => batch.kind === 'query' && batch.texts.length === 1));
  });

  it('shares a burst between the model calls that start together, and starts another as soon as one ends', async () => {
    const model = controllableModel();
    const queue = scheduler(model, { concurrency: 2 });
    const burst = queue.submit('passage', ['p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    await settle();
    assert.deepEqual(
      model.calls.map(({ batch }) => batch.texts),
      [
        ['p1', 'p2', 'p3'],
        ['p4', 'p5', 'p6'],
      ],
      'two idle workers split the burst rather than one taking a full batch of it',
    );
    const later = queue.submit('passage', ['p7'], { client: 'other' });
    await settle();
    assert.equal(model.calls.length, 2, 'no third call while both run');
    model.finish();
    await settle();
    assert.deepEqual(model.calls[2]!.batch.texts, ['p7']);
    model.finish();
    model.finish();
    assert.equal((await burst).length, 6);
    assert.equal((await later).length, 1);
  });

  it('runs only as many calls as workers are up, and starts more as they come back', async () => {
    const model = controllableModel();
    const queue = scheduler(model, { concurrency: 2 });
    queue.setConcurrency(1);
    const burst = queue.submit('passage', ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8']);
    await settle();
    assert.deepEqual(
      model.calls.map(({ batch }) => batch.texts.length),
      [4],
    );
    queue.setConcurrency(2);
    await settle();
    assert.deepEqual(
      model.calls.map(({ batch }) => batch.texts.length),
      [4, 4],
    );
    model.finish();
    model.finish();
    assert.equal((await burst).length, 8);
  });

  it('runs one query call at a time beside passage calls, and lets passages pass queries waiting for it', async () => {
    const model = controllableModel();
    const queue = scheduler(model, { concurrency: 2, queryConcurrency: 1 });
    const query = queue.submit('query', ['q1'], { client: 'a' });
    await settle();
    const waiting = queue.submit('query', ['q2'], { client: 'b' });
    const passage = queue.submit('passage', ['p1'], { client: 'c' });
    await settle();
    assert.deepEqual(
      model.calls.map(({ batch }) => batch),
      [
        { kind: 'query', texts: ['q1'] },
        { kind: 'passage', texts: ['p1'] },
      ],
    );
    model.finish();
    await query;
    await settle();
    assert.deepEqual(model.calls[2]!.batch, { kind: 'query', texts: ['q2'] });
    model.finish();
    model.finish();
    await Promise.all([waiting, passage]);
  });

  it("regression: embeds each query, and each text of a request asking to be alone, in a model call of its own (a search's results depended on what else was in flight)", async () => {
    const model = controllableModel();
    const queue = scheduler(model, { concurrency: 2, queryConcurrency: 1 });
    const first = queue.submit('query', ['q0'], { client: 'a' });
    await settle();
    const waiting = ['q1', 'q2'].map((text, i) => queue.submit('query', [text], { client: `client ${i}` }));
    const alone = queue.submit('passage', ['p1', 'p2'], { client: 'similar', alone: true });
    const batched = queue.submit('passage', ['p3', 'p4'], { client: 'ingest' });
    await settle();
    assert.deepEqual(
      model.calls.map((call) => call.batch),
      [
        { kind: 'query', texts: ['q0'] },
        { kind: 'passage', texts: ['p1'] },
      ],
    );
    while (model.calls.some((call) => !('done' in call))) {
      model.finish();
      await settle();
    }
    await Promise.all([first, ...waiting, alone, batched]);
    const texts = model.calls.map((call) => call.batch.texts);
    assert.deepEqual(texts.flat().sort(), ['p1', 'p2', 'p3', 'p4', 'q0', 'q1', 'q2']);
    for (const single of ['q0', 'q1', 'q2', 'p1', 'p2']) {
      assert.deepEqual(
        texts.find((call) => call.includes(single)),
        [single],
        `${single} has a call of its own`,
      );
    }
  });

  it('when the model runs every text alone, lets the texts of a request asking to be alone share a call, while queries keep a call each', async () => {
    const model = controllableModel();
    const queue = scheduler(model, { concurrency: 1, textsRunAlone: true });
    const first = queue.submit('passage', ['p0'], { client: 'a' });
    await settle();
    const sentences = queue.submit('passage', ['s1', 's2', 's3'], { client: 'explain', alone: true });
    const finishAll = async () => {
      while (model.calls.some((call) => !('done' in call))) {
        model.finish();
        await settle();
      }
    };
    await finishAll();
    await Promise.all([first, sentences]);
    const queries = queue.submit('query', ['q1', 'q2'], { client: 'batch' });
    await finishAll();
    await queries;
    assert.deepEqual(
      model.calls.map((call) => call.batch.texts),
      [['p0'], ['s1', 's2', 's3'], ['q1'], ['q2']],
    );
  });

  it('regression: timed query calls counted every worker in the rate, though no more query calls than queryConcurrency run at once (deadlines were judged 2–8x too soon)', async () => {
    let now = 0;
    const model = controllableModel();
    const queue = scheduler(model, {
      concurrency: 4,
      queryConcurrency: 1,
      maxBatchTokens: 10_000,
      maxQueuedTokens: 10_000,
      initialTokensPerSecond: 1_000,
      now: () => now,
    });
    const answer = queue.submit('query', ['x'.repeat(1_000)]);
    await settle();
    now += 1_000;
    model.finish();
    await answer;
    // 1,000 tokens in one second by the one query call running: 1,000 tokens/s, not 4,000.
    assert.equal(queue.rate, 1_000);
  });

  it('bounds a model call by tokens too, so a query arriving meanwhile waits for a short call (a flood of long texts made it wait 11-33 s)', async () => {
    const model = controllableModel();
    const queue = scheduler(model, { maxBatchTokens: 500, maxQueuedTokens: 100_000 });
    const long = queue.submit('passage', ['a'.repeat(200), 'b'.repeat(200), 'c'.repeat(200), 'd'.repeat(900)]);
    await settle();
    assert.deepEqual(
      model.calls[0]!.batch.texts.map((text) => text.length),
      [200, 200],
    );
    model.finish();
    await settle();
    assert.deepEqual(
      model.calls[1]!.batch.texts.map((text) => text.length),
      [200],
    );
    model.finish();
    await settle();
    assert.deepEqual(
      model.calls[2]!.batch.texts.map((text) => text.length),
      [900],
      'a text longer than the bound goes alone',
    );
    model.finish();
    assert.equal((await long).length, 4);
  });

  it("serves another client's single query in the next model call, ahead of a flood (one caller could stall everyone)", async () => {
    const model = controllableModel();
    const queue = scheduler(model, { maxQueuedTokens: 100_000, initialTokensPerSecond: 1_000_000 });
    const flood = Array.from({ length: 8 }, (_, i) =>
      queue.submit(
        'query',
        Array.from({ length: 16 }, () => 'x'.repeat(200)),
        { client: `flooder-${i % 2}` },
      ),
    );
    await settle();
    const single = queue.submit('query', ['a short question'], { client: 'someone-else' });
    // Each query is a call of its own: the other flooder's first text at most goes before it.
    for (let call = 0; call < 3 && !model.calls.some((running) => running.batch.texts.includes('a short question')); call++) {
      model.finish();
      await settle();
    }
    const callOfQuestion = model.calls.findIndex((call) => call.batch.texts.includes('a short question'));
    assert.ok(callOfQuestion >= 1 && callOfQuestion <= 2, `the question is in model call ${callOfQuestion}, of ${8 * 16} flood texts`);
    while (model.calls.some((call) => !('done' in call))) {
      model.finish();
      await settle();
    }
    assert.equal((await single)[0]![0], 'a short question'.length);
    await Promise.all(flood);
  });

  it('refuses at once, with Retry-After, a request the queue cannot hold', async () => {
    const model = controllableModel();
    const queue = scheduler(model, { maxQueuedTokens: 10 });
    // The first goes straight to the model; the second fills the queue.
    const first = queue.submit('passage', ['0123456789']);
    const second = queue.submit('passage', ['0123456789'], { client: 'b' });
    await assert.rejects(queue.submit('passage', ['0123456789'], { client: 'c' }), (error: unknown) => {
      assert.equal((error as { retryAfterSeconds?: number }).retryAfterSeconds! >= 1, true);
      assert.deepEqual((error as { details: { reason: string } }).details.reason, 'queue_full');
      return isAppErrorWithCode('overloaded')(error);
    });
    await settle();
    model.finish();
    await first;
    await settle();
    model.finish();
    await second;
  });

  it('takes a request bigger than the queue when nothing else waits (one large ingestion group)', async () => {
    const model = controllableModel();
    const queue = scheduler(model, { maxQueuedTokens: 5 });
    const big = queue.submit('passage', ['0123456789']);
    await settle();
    model.finish();
    assert.equal((await big).length, 1);
  });

  it('refuses at once a request predicted to wait past its deadline', async () => {
    const model = controllableModel();
    let now = 0;
    const queue = scheduler(model, { initialTokensPerSecond: 10, now: () => now });
    void queue.submit('passage', ['w'.repeat(10)], { client: 'a' }).catch(() => undefined);
    void queue.submit('passage', ['x'.repeat(50)], { client: 'a' }).catch(() => undefined);
    assert.equal(model.calls.length, 1, 'the model is busy');
    // 50 tokens queued ahead and 20 of its own at 10 tokens/s: 7 s, past a 2 s deadline.
    await assert.rejects(queue.submit('passage', ['y'.repeat(20)], { client: 'a', deadline: now + 2_000 }), (error: unknown) => {
      assert.equal((error as { details: { reason: string } }).details.reason, 'deadline');
      return isAppErrorWithCode('overloaded')(error);
    });
    now = 0;
    queue.close(new Error('done'));
  });

  it('regression: runs a request too large for its deadline when the model is idle, and does not expire it (it was refused as overloaded forever)', async () => {
    const model = controllableModel();
    const queue = scheduler(model, { initialTokensPerSecond: 10, batchSize: 1 });
    // 40 tokens at 10 tokens/s: 4 s, past a 50 ms deadline, with nothing else to do.
    const large = queue.submit('passage', ['y'.repeat(20), 'z'.repeat(20)], { client: 'a', deadline: performance.now() + 50 });
    await settle();
    assert.equal(model.calls.length, 1, 'taken to the model');
    // Busy now: another client's request past its deadline is refused as before.
    await assert.rejects(queue.submit('passage', ['w'.repeat(20)], { client: 'b', deadline: performance.now() + 50 }), isAppErrorWithCode('overloaded'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    model.finish();
    await settle();
    model.finish();
    assert.equal((await large).length, 2, 'answered past its deadline');
    queue.close(new Error('done'));
  });

  it('refuses a request still waiting at its deadline, and skips its texts', async () => {
    const model = controllableModel();
    const queue = scheduler(model, { initialTokensPerSecond: 1_000_000 });
    const running = queue.submit('passage', ['first']);
    await settle();
    const late = queue.submit('passage', ['second'], { client: 'b', deadline: performance.now() + 20 });
    // The deadline's timer does not hold the process open (a server's sockets do): this does, as
    // Node 22's test runner cancels a test whose process has nothing left to wait for.
    const holdOpen = setTimeout(() => undefined, 1_000);
    await assert.rejects(late, isAppErrorWithCode('overloaded'));
    clearTimeout(holdOpen);
    model.finish();
    await running;
    await settle();
    assert.equal(model.calls.length, 1, 'the expired text never reached the model');
  });

  it("regression: drops a request's queued texts when its client hangs up, freeing the queue for live requests (abandoned work was computed, and filled the queue)", async () => {
    const model = controllableModel();
    const queue = scheduler(model, { maxQueuedTokens: 10 });
    const running = queue.submit('passage', ['first']);
    await settle();
    const hungUp = new AbortController();
    const abandoned = queue.submit('passage', ['0123456789'], { client: 'b', signal: hungUp.signal });
    assert.equal(queue.depth.tokens, 10);
    hungUp.abort();
    await assert.rejects(abandoned, isAppErrorWithCode('client_closed_request'));
    assert.deepEqual(queue.depth, { texts: 0, tokens: 0 });
    // The room it held takes a live request, which a full queue refused.
    const live = queue.submit('passage', ['abcdefghij'], { client: 'c' });
    model.finish();
    await running;
    await settle();
    model.finish();
    assert.deepEqual(
      (await live).map((vector) => vector[0]),
      [10],
    );
    assert.deepEqual(
      model.calls.map((call) => call.batch.texts),
      [['first'], ['abcdefghij']],
      'the abandoned text never reached the model',
    );
    await assert.rejects(queue.submit('passage', ['x'], { signal: AbortSignal.abort() }), isAppErrorWithCode('client_closed_request'));
  });

  it("regression: gives a client whose request was dropped its place in line back (its retry waited behind every other client's work)", async () => {
    const model = controllableModel();
    const queue = scheduler(model, { batchSize: 1, maxQueuedTokens: 10_000 });
    const running = queue.submit('passage', ['first'], { client: 'z' });
    await settle();
    const hungUp = new AbortController();
    const abandoned = queue.submit(
      'passage',
      Array.from({ length: 20 }, (_, i) => `a${i}`.padEnd(50, 'a')),
      { client: 'a', signal: hungUp.signal },
    );
    hungUp.abort();
    await assert.rejects(abandoned, isAppErrorWithCode('client_closed_request'));
    const others = queue.submit(
      'passage',
      Array.from({ length: 5 }, (_, i) => `b${i}`.padEnd(50, 'b')),
      { client: 'b' },
    );
    const retry = queue.submit('passage', ['retry'], { client: 'a' });
    for (let call = 0; call < 7; call++) {
      model.finish();
      await settle();
    }
    await Promise.all([running, others, retry]);
    const order = model.calls.map((call) => call.batch.texts[0]!.slice(0, 5));
    assert.ok(order.indexOf('retry') <= 2, `the retry is served next to the other client's first text: ${order.join(' ')}`);
  });

  it('regression: takes each model call from the front of the queue, in time that does not grow with the queue (each call sorted and copied the whole queue: 16,000 queued queries cost 30 s of main thread to serve)', async () => {
    const vector = Float32Array.of(1);
    const served = 800;
    // The median time from a model call's answer to the start of the next, over the first calls of a queue this deep.
    const medianGap = async (depth: number) => {
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      const gaps: number[] = [];
      let answeredAt: number | undefined;
      const model = async (batch: ModelBatch) => {
        if (answeredAt !== undefined) gaps.push(performance.now() - answeredAt);
        await opened;
        // Answered in a later turn of the event loop, as a model worker's message is.
        await settle();
        answeredAt = performance.now();
        return batch.texts.map(() => vector);
      };
      const queue = new EmbedScheduler(model, {
        batchSize: 32,
        maxBatchTokens: 2_048,
        maxQueuedTokens: 1_000_000,
        costOf: () => 4,
        initialTokensPerSecond: 1_000_000,
      });
      const answers = Array.from({ length: depth }, (_, i) =>
        queue.submit('query', [`query ${i}`], { client: `client ${i % 3}` }).catch((error: unknown) => error),
      );
      open();
      assert.ok((await Promise.all(answers.slice(0, served))).every((answer) => Array.isArray(answer)));
      queue.close(new Error('done'));
      await Promise.all(answers);
      return gaps.sort((a, b) => a - b)[gaps.length >> 1]!;
    };
    await medianGap(served);
    const shallow = await medianGap(served);
    const deep = await medianGap(10 * served);
    // About the same when a call's work does not depend on the queue; ten times as long when it walks the queue.
    assert.ok(
      deep < 3 * shallow,
      `from a queue of ${10 * served} queries a call took ${deep.toFixed(3)} ms to start, from one of ${served} ${shallow.toFixed(3)} ms`,
    );
  });

  it('forgets at once the texts of many requests given up on, and the next call takes the live text behind them', async () => {
    const model = controllableModel();
    const queue = scheduler(model, { maxQueuedTokens: 1_000_000, initialTokensPerSecond: 1_000_000 });
    const running = queue.submit('passage', ['first']);
    await settle();
    const hangUps = Array.from({ length: 3_000 }, () => new AbortController());
    const abandoned = hangUps.map((hangUp, i) =>
      queue.submit('passage', [`text ${i}`], { client: `c${i % 5}`, signal: hangUp.signal }).catch((error: unknown) => error),
    );
    const live = queue.submit('passage', ['live'], { client: 'live' });
    for (const hangUp of hangUps) hangUp.abort();
    assert.ok((await Promise.all(abandoned)).every(isAppErrorWithCode('client_closed_request')));
    assert.deepEqual(queue.depth, { texts: 1, tokens: 4 });
    model.finish();
    await running;
    await settle();
    assert.deepEqual(model.calls.at(-1)!.batch.texts, ['live'], 'the next call takes the live text, past those given up on');
    model.finish();
    assert.deepEqual(
      (await live).map((vector) => vector[0]),
      [4],
    );
    assert.equal(model.calls.length, 2);
  });

  it('rejects every queued request when closed, and later ones too', async () => {
    const model = controllableModel();
    const queue = scheduler(model);
    void queue.submit('passage', ['a']);
    const waiting = queue.submit('passage', ['b', 'c', 'd', 'e', 'f']);
    await settle();
    queue.close(new Error('the model stopped'));
    await assert.rejects(waiting, /the model stopped/);
    await assert.rejects(queue.submit('query', ['x']), /the model stopped/);
  });

  it('passes a failed model call on to the requests in it, and goes on with the next', async () => {
    const model = controllableModel();
    const queue = scheduler(model, { batchSize: 1 });
    const failing = queue.submit('passage', ['a']);
    const next = queue.submit('passage', ['b'], { client: 'other' });
    await settle();
    model.fail(new Error('onnx failed'));
    await assert.rejects(failing, /onnx failed/);
    await settle();
    model.finish();
    assert.equal((await next).length, 1);
  });

  it('reports its depth and waits to an observer', async () => {
    const model = controllableModel();
    const waits: number[] = [];
    const batches: number[] = [];
    const queue = scheduler(model, { observer: { waited: (seconds) => waits.push(seconds), batchDone: (texts) => batches.push(texts) } });
    const running = queue.submit('passage', ['a', 'b']);
    const waiting = queue.submit('passage', ['cc'], { client: 'b' });
    assert.deepEqual(queue.depth, { texts: 1, tokens: 2 });
    model.finish();
    await running;
    await settle();
    assert.deepEqual(queue.depth, { texts: 0, tokens: 0 });
    model.finish();
    await waiting;
    assert.equal(waits.length, 3);
    assert.deepEqual(batches, [2, 1]);
  });

  // A batch's requests used to resume in one stretch of promise callbacks: a search's index work
  // runs synchronously after its vectors arrive, so a batch of 32 searches held the event loop
  // (and left the model idle) until the last was done.
  it('answers the requests of one model call one per turn of the event loop', async () => {
    const model = controllableModel();
    const queue = scheduler(model);
    const busy = queue.submit('query', ['x']);
    await settle();
    // Counts turns of the event loop: an immediate that queues itself again runs once per turn.
    let turn = 0;
    let counting = true;
    const count = (): void => {
      turn++;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    const answeredAt = new Map<string, number>();
    const answers = ['a', 'b', 'c'].map((text) => queue.submit('passage', [text], { client: text }).then(() => answeredAt.set(text, turn)));
    model.finish();
    await busy;
    await settle();
    assert.deepEqual(model.calls[1]!.batch.texts, ['a', 'b', 'c']);
    model.finish();
    await Promise.all(answers);
    counting = false;
    const [a, b, c] = ['a', 'b', 'c'].map((text) => answeredAt.get(text)!);
    assert.ok(a! < b! && b! < c!, `answered at turns ${a}, ${b}, ${c}`);
  });
});
