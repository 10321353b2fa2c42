import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PaperSearchClient, PaperSearchError, type ErrorCode, type FacetsQuery, type ListPapersQuery } from '../../src/index.js';

/** A client whose fetch records the headers of each request and answers `answer`. */
function recordingClient(defaults: Record<string, string>, answer: () => Response): { client: PaperSearchClient; sent: Headers[] } {
  const sent: Headers[] = [];
  const client = new PaperSearchClient('http://paper-search.invalid', {
    headers: defaults,
    fetch: async (_input, init) => {
      sent.push(new Headers(init?.headers));
      return answer();
    },
  });
  return { client, sent };
}

describe('the typed client: request headers', () => {
  it("regression: an export asks for its format whatever Accept the client's default headers name (a default accept: application/json made every export fail as invalid_response)", async () => {
    const { client, sent } = recordingClient(
      { accept: 'application/json', authorization: 'Bearer k' },
      () => new Response('@misc{a,\n  title = {A}\n}\n', { headers: { 'content-type': 'application/x-bibtex; charset=utf-8' } }),
    );
    assert.match(await client.paper('a', { format: 'bibtex' }), /^@misc\{a,/);
    assert.equal(sent[0]!.get('accept'), 'application/x-bibtex');
    assert.equal(sent[0]!.get('authorization'), 'Bearer k', 'the other default headers are sent');
  });

  it("regression: an import is sent as its format whatever Content-Type the client's default headers name (a default one made the server refuse BibTeX as 415)", async () => {
    const { client, sent } = recordingClient({ 'Content-Type': 'application/json; charset=utf-8' }, () =>
      Response.json({ papers: [], kept: ['a'], replaced: [], took_ms: 1 }),
    );
    await client.importPapers('@article{a, title={T}, abstract={A}}', 'bibtex', { onExisting: 'keep' });
    assert.equal(sent[0]!.get('content-type'), 'application/x-bibtex');
    await client.createPapers([{ id: 'b', abstract: 'B' }], { onExisting: 'keep' });
    assert.equal(sent[1]!.get('content-type'), 'application/json');
  });

  it("a write's conditions are sent as asked, beside the default headers", async () => {
    const { client, sent } = recordingClient({ authorization: 'Bearer k' }, () => Response.json({ id: 'a', deleted: true, took_ms: 1 }));
    await client.deletePaper('a', { ifMatch: '"v1"' });
    assert.equal(sent[0]!.get('if-match'), '"v1"');
    assert.equal(sent[0]!.get('authorization'), 'Bearer k');
  });
});

describe('the typed client: Retry-After', () => {
  it('regression: a 429 or 503 carries the Retry-After it was answered with, in seconds (the error dropped it, so a client could not wait as told)', async () => {
    const rateLimited = new PaperSearchClient('http://paper-search.invalid', {
      fetch: async () => Response.json({ error: { code: 'rate_limited', message: 'Too many requests' } }, { status: 429, headers: { 'retry-after': '7' } }),
    });
    await assert.rejects(rateLimited.stats(), (error: unknown) => {
      assert.ok(error instanceof PaperSearchError);
      assert.deepEqual([error.status, error.code, error.retryAfterSeconds], [429, 'rate_limited', 7]);
      return true;
    });
    const inTwoMinutes = new Date(Date.now() + 120_000).toUTCString();
    const stopping = new PaperSearchClient('http://paper-search.invalid', {
      fetch: async () => Response.json({ error: { code: 'overloaded', message: 'Busy' } }, { status: 503, headers: { 'retry-after': inTwoMinutes } }),
    });
    await assert.rejects(stopping.search({ query: 'x' }), (error: unknown) => {
      assert.ok(error instanceof PaperSearchError);
      assert.ok(error.retryAfterSeconds !== undefined && error.retryAfterSeconds > 100 && error.retryAfterSeconds <= 120, String(error.retryAfterSeconds));
      return true;
    });
    const notFound = new PaperSearchClient('http://paper-search.invalid', {
      fetch: async () => Response.json({ error: { code: 'paper_not_found', message: 'No paper' } }, { status: 404 }),
    });
    await assert.rejects(notFound.paper('x'), (error: unknown) => error instanceof PaperSearchError && error.retryAfterSeconds === undefined);
  });
});

describe('the typed client: cancelling', () => {
  /** A fetch that answers only when its signal aborts, as fetch does: rejecting with the signal's reason. */
  const unanswered: typeof fetch = (_input, init) =>
    new Promise((_resolve, reject) => {
      const signal = init?.signal;
      if (signal?.aborted) reject(signal.reason);
      signal?.addEventListener('abort', () => reject(signal.reason));
    });

  it(
    "regression: a call is cancelled when the client's signal aborts, with the signal's reason (the client took no signal: a sync could not be stopped)",
    { timeout: 5_000 },
    async () => {
      const controller = new AbortController();
      const client = new PaperSearchClient('http://paper-search.invalid', { signal: controller.signal, fetch: unanswered });
      const listing = client.listPapers({ limit: 37 });
      setTimeout(() => controller.abort(), 20);
      await assert.rejects(listing, (error: unknown) => error instanceof DOMException && error.name === 'AbortError');
      await assert.rejects(
        client.stats(),
        (error: unknown) => error instanceof DOMException && error.name === 'AbortError',
        'an aborted signal cancels later calls too',
      );
    },
  );

  it('a timeout still answers server_timeout beside a signal that did not abort', { timeout: 5_000 }, async () => {
    const client = new PaperSearchClient('http://paper-search.invalid', { signal: new AbortController().signal, timeoutMs: 50, fetch: unanswered });
    await assert.rejects(client.stats(), (error: unknown) => error instanceof PaperSearchError && error.code === 'server_timeout');
  });
});

describe('the typed client: error codes', () => {
  it('regression: the package exports ErrorCode, the codes PaperSearchError.code may hold (a client could not name the type to handle codes; this file did not compile)', () => {
    const retryable: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['rate_limited', 'overloaded', 'not_ready', 'server_unreachable']);
    const error = new PaperSearchError(503, 'overloaded', 'Busy', undefined, 1);
    assert.equal(retryable.has(error.code as ErrorCode), true);
  });
});

describe('the typed client: query parameters', () => {
  it('regression: the fields and facets of the GET routes are typed by their names, as in the POST routes (any string compiled, and the server refused it with a 400)', async () => {
    const asked: string[] = [];
    const client = new PaperSearchClient('http://paper-search.invalid', {
      fetch: async (input) => {
        asked.push(String(input));
        return Response.json({ papers: [], next_cursor: null, took_ms: 1 });
      },
    });
    const query: ListPapersQuery = { limit: 2, fields: ['title', 'year'] };
    await client.listPapers(query);
    assert.equal(new URL(asked[0]!).searchParams.get('fields'), 'title,year');
    // @ts-expect-error: "titel" is no paper field
    const misspelt: ListPapersQuery = { fields: ['titel'] };
    // @ts-expect-error: papers are not counted by venue
    const unknownFacet: FacetsQuery = { facets: ['venue'] };
    assert.ok(misspelt && unknownFacet);
  });
});
