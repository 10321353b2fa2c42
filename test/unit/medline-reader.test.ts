import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { mapRecordToPaper } from '../../src/papers/paper-record.js';
import { readRecords } from './format-support.js';
import { mainThreadMs, temporaryRoot } from './support.js';

const root = temporaryRoot('paper-search-medline-');

/** Two records as PubMed writes them ("Send to: Citation manager"): wrapped values indented by six spaces. */
const pubmed = [
  'PMID- 31452104',
  'OWN - NLM',
  'STAT- MEDLINE',
  'DCOM- 20200106',
  'IS  - 1476-4687 (Electronic)',
  'VI  - 572',
  'IP  - 7769',
  'DP  - 2019 Aug',
  'TI  - Grandmaster level in StarCraft II using multi-agent reinforcement',
  '      learning.',
  'PG  - 350-354',
  'LID - 10.1038/s41586-019-1724-z [doi]',
  'AB  - Many real-world applications require artificial agents to compete and',
  '      coordinate with other agents in complex environments.',
  'FAU - Vinyals, Oriol',
  'AU  - Vinyals O',
  'AD  - DeepMind, London, UK.',
  'FAU - Babuschkin, Igor',
  'AU  - Babuschkin I',
  'CN  - AlphaStar Team',
  'LA  - eng',
  'PT  - Journal Article',
  'DEP - 20191030',
  'TA  - Nature',
  'JT  - Nature',
  'MH  - *Reinforcement, Psychology',
  'MH  - Video Games/psychology',
  'OT  - multi-agent learning',
  'AID - 10.1038/s41586-019-1724-z [doi]',
  'AID - 10.1038/s41586-019-1724-z [pii]',
  'SO  - Nature. 2019 Aug;572(7769):350-354.',
  '',
  'PMID- 38000001',
  'TI  - A preprint.',
  'AB  - Its abstract.',
  'AU  - Doe J',
  'DP  - 2023 Nov 20',
  'PT  - Preprint',
  'JT  - bioRxiv : the preprint server for biology',
  '',
].join('\n');

describe('readMedline', () => {
  it("reads PubMed's records: id, wrapped title and abstract, full names, group author, date, DOI, journal, volume, issue, pages, keywords and MeSH headings", async () => {
    const path = join(root(), 'pubmed.nbib');
    await writeFile(path, pubmed);
    const [article, preprint] = await readRecords(path, 'medline');
    assert.equal(article?.position, 'record PMID:31452104 (line 1)');
    assert.deepEqual(article?.value, {
      id: 'PMID:31452104',
      url: 'https://pubmed.ncbi.nlm.nih.gov/31452104/',
      title: 'Grandmaster level in StarCraft II using multi-agent reinforcement learning.',
      abstract: 'Many real-world applications require artificial agents to compete and coordinate with other agents in complex environments.',
      authors: ['Oriol Vinyals', 'Igor Babuschkin', 'AlphaStar Team'],
      categories: ['multi-agent learning', 'Reinforcement, Psychology', 'Video Games'],
      year: 2019,
      date: '2019-08',
      doi: '10.1038/s41586-019-1724-z',
      venue: 'Nature',
      type: 'journal-article',
      volume: '572',
      issue: '7769',
      pages: '350-354',
    });
    const second = preprint?.value as Record<string, unknown>;
    assert.deepEqual([second.id, second.authors, second.date, second.type, second.venue], ['PMID:38000001', ['Doe J'], '2023-11', 'preprint', undefined]);
    // Each is a paper as ingestion maps it.
    for (const record of [article, preprint]) assert.equal(mapRecordToPaper(record?.value).ok, true);
  });

  it('regression: joins a value wrapped over very many lines, and a tag repeated very many times, in one pass (each line copied the value, each tag the list: 40,000 lines took 37 s)', async () => {
    const lines = 100_000;
    const path = join(root(), 'long.nbib');
    await writeFile(path, `PMID- 1\nTI  - T\nAB  - start\n${'      a\n'.repeat(lines)}${'AU  - Doe J\n'.repeat(lines)}`);
    const started = mainThreadMs();
    const [record] = await readRecords(path, 'medline');
    const seconds = (mainThreadMs() - started) / 1000;
    const value = record?.value as { abstract: string; authors: string[] };
    assert.equal(value.abstract.length, 'start'.length + 2 * lines);
    assert.equal(value.authors.length, lines);
    assert.ok(seconds < 5, `${seconds.toFixed(1)} s`);
  });

  it('regression: reads a record that has no PMID line, or tags before it, rather than passing over it (it vanished without a word)', async () => {
    const path = join(root(), 'no-pmid.nbib');
    await writeFile(path, 'OWN - NLM\nPMID- 4\nTI  - First.\nAB  - One.\n\nOWN - NLM\nTI  - No PMID.\nAB  - Two.\n');
    const records = await readRecords(path, 'medline');
    assert.deepEqual(
      records.map((record) => [(record.value as Record<string, unknown>).id, (record.value as Record<string, unknown>).title]),
      [
        ['PMID:4', 'First.'],
        [undefined, 'No PMID.'],
      ],
    );
    assert.equal(mapRecordToPaper(records[1]?.value).ok, false, 'refused for want of an id');
  });

  it('regression: keeps a tag line holding a line separator (U+2028) a tag line (the abstract was joined to the title)', async () => {
    const path = join(root(), 'separator.nbib');
    await writeFile(path, 'PMID- 5\nTI  - Title\nAB  - abc\u2028def\n');
    const [record] = await readRecords(path, 'medline');
    const value = record?.value as Record<string, unknown>;
    assert.deepEqual([value.title, value.abstract], ['Title', 'abc\u2028def']);
  });
});
