import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppError } from '../../src/errors.js';
import { paperInputsOfReferences } from '../../src/http/reference-bodies.js';
import { readReferenceBody } from '../../src/http/reference-reading.js';

/** Entries whose abstracts hold `formulas` formulas in all: a BibTeX body of more than 4 KB is read on a worker thread. */
function bibtexWithFormulas(formulas: number, entries: string[] = []): Buffer {
  const perEntry = Math.ceil(formulas / 4);
  const written = Array.from(
    { length: 4 },
    (_, i) => `@article{tex${i}, title={Formulas {\\"u}ber alles ${i}}, author={M{\\"u}ller, Anna}, year={2021}, abstract={${'$x_i$ and '.repeat(perEntry)}}}`,
  );
  return Buffer.from([...written, ...entries].join('\n'));
}

describe('readReferenceBody', () => {
  // The worker and its time limit are unref'd (they must not keep a stopping server alive); in the
  // server the listening socket holds the event loop. Here nothing would, and Node 22's test runner
  // cancels a test whose only pending work is unref'd ("Promise resolution is still pending but the
  // event loop has already resolved"; Node 24 and 26 wait), so a timer stands in for the socket.
  let keepAlive: NodeJS.Timeout | undefined;
  before(() => {
    keepAlive = setInterval(() => {}, 60_000);
  });
  after(() => clearInterval(keepAlive));

  it('reads a body of much TeX on a worker thread into the same entries as in place', async () => {
    const body = bibtexWithFormulas(2_400);
    const options = { allowTitleOnly: false, skipInvalid: false };
    const offThread = await readReferenceBody(body, 'bibtex', options);
    assert.equal(offThread.length, 4);
    assert.deepEqual(offThread, await paperInputsOfReferences(body, 'bibtex', options));
  });

  it("refuses such a body with the in-place reading's code, message and details", async () => {
    const body = bibtexWithFormulas(2_400, ['@article{bare, title={No abstract}}']);
    const options = { allowTitleOnly: false, skipInvalid: false };
    const inPlace = await paperInputsOfReferences(body, 'bibtex', options).then(
      () => assert.fail('the body has an entry without an abstract'),
      (error: unknown) => error,
    );
    assert.ok(inPlace instanceof AppError);
    await assert.rejects(readReferenceBody(body, 'bibtex', options), (error: unknown) => {
      assert.ok(error instanceof AppError);
      assert.deepEqual([error.code, error.status, error.message, error.details], [inPlace.code, inPlace.status, inPlace.message, inPlace.details]);
      return true;
    });
  });

  it('drops a body whose client has gone, waiting or being read, and reads the next', async () => {
    const options = { allowTitleOnly: false, skipInvalid: false };
    const gone = new AbortController();
    const slow = readReferenceBody(bibtexWithFormulas(40_000), 'bibtex', options, gone.signal);
    const waiting = new AbortController();
    const queued = readReferenceBody(bibtexWithFormulas(2_100), 'bibtex', options, waiting.signal);
    const next = readReferenceBody(bibtexWithFormulas(2_100), 'bibtex', options);
    waiting.abort();
    setTimeout(() => gone.abort(), 200);
    const isClosed = (error: unknown) => error instanceof AppError && error.code === 'client_closed_request';
    await assert.rejects(queued, isClosed);
    await assert.rejects(slow, isClosed);
    assert.equal((await next).length, 4);
  });

  it('reads bodies one after another, each answered with its own entries', async () => {
    const bodies = [bibtexWithFormulas(2_100), bibtexWithFormulas(2_100, ['@article{extra, title={One more}, abstract={Plain.}}'])];
    const options = { allowTitleOnly: false, skipInvalid: false };
    const answers = await Promise.all(bodies.map((body) => readReferenceBody(body, 'bibtex', options)));
    assert.deepEqual(
      answers.map((items) => items.length),
      [4, 5],
    );
  });
});
