import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Response } from 'express';
import { sendJsonInTurns } from '../../src/http/json-in-turns.js';
import { longestWait } from './support.js';

/** What sendJsonInTurns sends for `body`, and the longest the event loop went without a turn meanwhile. */
async function sent(body: Record<string, unknown>): Promise<{ text: string; contentType: unknown; longest: number; took: number }> {
  let bytes: Buffer | undefined;
  let contentType: unknown;
  const response = {
    setHeader: (name: string, value: unknown) => {
      if (name.toLowerCase() === 'content-type') contentType = value;
    },
    send: (sentBytes: Buffer) => {
      bytes = sentBytes;
    },
  } as unknown as Response;
  const { longest, took } = await longestWait(() => sendJsonInTurns(response, body));
  return { text: bytes!.toString('utf8'), contentType, longest, took };
}

describe('sendJsonInTurns', () => {
  it('sends what response.json sends: the same JSON text, as UTF-8 JSON', async () => {
    const bodies: Record<string, unknown>[] = [
      {},
      { papers: [] },
      { papers: [{ id: 'a', title: 'Ünïcode "quoted"\n', authors: ['A', 'B'] }, { id: 'b' }], kept: [], replaced: ['a'], took_ms: 12.5 },
      { skipped: undefined, papers: [undefined, null, 1], warnings: [{ id: 'a', doi: '10.1/x' }], note: 'last' },
    ];
    for (const body of bodies) {
      const { text, contentType } = await sent(body);
      assert.equal(text, JSON.stringify(body));
      assert.equal(contentType, 'application/json; charset=utf-8');
    }
  });

  it('regression: encodes a large write answer a paper at a time, so other requests are answered meanwhile (30 MB of papers held them 0.2-0.6 s)', async () => {
    const authors = Array.from({ length: 1_250 }, (_, i) => `Author Number${i} Collaborator`);
    const papers = Array.from({ length: 1_000 }, (_, i) => ({ id: `crowded-${i}`, title: `Crowded ${i}`, abstract: `Paper ${i}.`, authors }));
    const { text, longest, took } = await sent({ papers, took_ms: 1 });
    assert.equal(text.length, JSON.stringify({ papers, took_ms: 1 }).length);
    // In one piece the encoding was all of it (237 ms of 225); in turns, with the garbage collector's
    // pauses beside the rest of the unit suite, up to about a third.
    assert.ok(longest < took / 2, `the event loop waited ${longest.toFixed(0)} ms while an answer was encoded for ${took.toFixed(0)} ms`);
  });
});
