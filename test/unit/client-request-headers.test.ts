import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PaperSearchClient } from '../../src/index.js';

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
