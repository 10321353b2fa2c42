import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { formatOfContent } from '../../src/ingest/format-detection.js';
import { openAlexWorkToRecord } from '../../src/ingest/formats/openalex.js';
import { loadBibtexLibrary, texToText } from '../../src/ingest/formats/tex-text.js';
import { authorNames } from '../../src/papers/author-names.js';
import { readRecords } from './format-support.js';
import { mainThreadMs, temporaryRoot } from './support.js';

/**
 * Inputs built to make a reader work far more than their size: each took seconds to minutes (or
 * the memory) before, and is read in time proportional to its size now. The bounds are many times
 * what the linear readers take, and a fraction of what the quadratic ones did.
 */
const root = temporaryRoot('paper-search-hostile-');

/** What `work` returns and the main thread's CPU seconds for it (the load of a shared machine does not count). */
async function timed<T>(work: () => T | Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = mainThreadMs();
  const result = await work();
  return { result, seconds: (mainThreadMs() - started) / 1000 };
}

async function recordsOfFile(name: string, content: string, format: 'bibtex' | 'ris') {
  const path = join(root(), name);
  await writeFile(path, content);
  return readRecords(path, format);
}

let parse: Awaited<ReturnType<typeof loadBibtexLibrary>>;
before(async () => {
  parse = await loadBibtexLibrary();
});

describe('hostile inputs', () => {
  it('regression: TeX with many unclosed "<span " is converted in linear time, its angle brackets kept as text (16,000 took seconds, quadratic)', async () => {
    const { result, seconds } = await timed(() => texToText(parse, `$x$ ${'<span '.repeat(16_000)}`));
    assert.equal(result, `x ${'<span '.repeat(16_000).trim()}`);
    assert.ok(seconds < 4, `${seconds.toFixed(1)} s`);
    // A text's own tags are its text, not the library's markup to strip.
    assert.equal(texToText(parse, '$x$ a <i>b</i> and p < 0.05'), 'x a <i>b</i> and p < 0.05');
  });

  it('regression: a BibTeX field longer than any paper field is refused before its TeX is read, also when a long macro is reused (each reuse cost 11 ms and memory)', async () => {
    const big = ['@string{m0 = "abcdefgh "}', ...Array.from({ length: 14 }, (_, i) => `@string{m${i + 1} = m${i} # m${i}}`)];
    const reuses = Array.from({ length: 300 }, (_, i) => `@string{r${i} = m14 # m14 # "${i}"}\n@misc{k${i}, title = r${i}, abstract = {A.}}`);
    const { result, seconds } = await timed(() =>
      recordsOfFile(
        'fan-out.bib',
        [...big, ...reuses, `@misc{long, abstract = {${'x'.repeat(250_000)}}}`, '@misc{fine, abstract = {Fine.}}'].join('\n'),
        'bibtex',
      ),
    );
    assert.equal(result.length, 302);
    assert.ok(
      result.slice(0, 300).every((record) => /^field title has 294,91\d characters, more than any field a paper may have$/.test(record.error?.message ?? '')),
      JSON.stringify(result[0]),
    );
    assert.match(result[300]!.error?.message ?? '', /^field abstract has 250,000 characters/);
    assert.equal((result[301]!.value as { abstract: string }).abstract, 'Fine.');
    assert.ok(seconds < 4, `${seconds.toFixed(1)} s`);
  });

  it('regression: a BibTeX title, venue, volume, number, pages or keywords far over its limit is not converted as TeX (six of 200,000 characters of math held the server a minute)', async () => {
    const math = (characters: number) => '$x'.repeat(characters / 2);
    const shortFields = ['journal', 'volume', 'number', 'pages', 'keywords'].map((name) => `${name} = {${math(60_000)}}`);
    const { result, seconds } = await timed(() =>
      recordsOfFile(
        'long-short-fields.bib',
        [
          `@article{long-title, title = {${math(60_000)}}, abstract = {A.}, ${shortFields.join(', ')}}`,
          `@article{long-venue, title = {Fine}, abstract = {A.}, ${shortFields.slice(0, 4).join(', ')}}`,
          `@article{long-keywords, title = {Fine}, abstract = {A.}, ${shortFields[4]}}`,
        ].join('\n'),
        'bibtex',
      ),
    );
    assert.match(result[0]!.error?.message ?? '', /^field title has 60,000 characters, more than a paper's title may have even as TeX \(4,000\)$/);
    // A venue or locator that cannot be read is left out, as ever; the entry is kept.
    const venue = result[1]!.value as Record<string, unknown>;
    assert.deepEqual([venue.title, venue.venue, venue.volume, venue.issue, venue.pages], ['Fine', undefined, undefined, undefined, undefined]);
    assert.match(result[2]!.error?.message ?? '', /^field keywords has 60,000 characters, more than a paper's keywords may have even as TeX \(26,000\)$/);
    assert.ok(seconds < 2, `${seconds.toFixed(1)} s`);
  });

  it('regression: a BibTeX author name far over its limit is not converted as TeX (one of 200,000 characters of math held the server 30 s)', async () => {
    const { result, seconds } = await timed(() =>
      recordsOfFile(
        'long-author.bib',
        [
          `@article{long-author, title = {T}, abstract = {A.}, author = {Ada Lovelace and ${'$x'.repeat(30_000)}}}`,
          '@article{fine, title = {T}, abstract = {A.}, author = {{Johnson and Johnson} and Ada Lovelace}}',
        ].join('\n'),
        'bibtex',
      ),
    );
    assert.match(result[0]!.error?.message ?? '', /^field author has a name of 60,000 characters, more than an author's name may have even as TeX \(1,024\)$/);
    assert.deepEqual((result[1]!.value as { authors: string[] }).authors, ['Johnson and Johnson', 'Ada Lovelace']);
    assert.ok(seconds < 2, `${seconds.toFixed(1)} s`);
  });

  it('regression: an RIS author or keyword line of many spaces is read in linear time (160,000 spaces took 8 s)', async () => {
    const spaces = ' '.repeat(160_000);
    const { result, seconds } = await timed(() =>
      recordsOfFile('spaces.ris', `TY  - JOUR\nID  - x\nTI  - t\nAB  - ab\nAU  - Doe${spaces}, Jane\nKW  - a${spaces}; b\nER  - \n`, 'ris'),
    );
    const record = result[0]!.value as { authors: string[]; categories: string[] };
    assert.deepEqual([record.authors, record.categories], [['Jane Doe'], ['a', 'b']]);
    assert.ok(seconds < 2, `${seconds.toFixed(1)} s`);
  });

  it('regression: an authors string of many spaces is split in linear time (80,000 spaces took 6 s)', async () => {
    const { result, seconds } = await timed(() => authorNames(`Ada Lovelace${' '.repeat(80_000)}and Alan Turing,${' '.repeat(80_000)}Grace Hopper`));
    assert.deepEqual(result, ['Ada Lovelace', 'Alan Turing', 'Grace Hopper']);
    assert.ok(seconds < 1, `${seconds.toFixed(1)} s`);
  });

  it('regression: telling the format of a file of a million carriage returns takes linear time (256 KB took 30 s)', async () => {
    const { result, seconds } = await timed(() => formatOfContent(`x${'\r'.repeat(1_000_000)}@article{k,`));
    assert.equal(result, 'bibtex');
    assert.ok(seconds < 1, `${seconds.toFixed(1)} s`);
  });

  it('regression: an OpenAlex work with very many locations keeps each URL once, in linear time (160,000 took 26 s)', async () => {
    const locations = Array.from({ length: 160_000 }, (_, i) => ({ landing_page_url: `https://example.org/${i % 100_000}` }));
    const work = { id: 'https://openalex.org/W1', title: 'T', abstract_inverted_index: { Abstract: [0] }, locations };
    const { result, seconds } = await timed(() => openAlexWorkToRecord(work));
    assert.equal((result as { url?: string }).url, 'https://example.org/0');
    assert.ok(seconds < 2, `${seconds.toFixed(1)} s`);
  });
});
