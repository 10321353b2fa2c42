import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { bibtexName, escapeBibtex, papersToBibtex, paperToBibtex, protectTitleCase } from '../../src/export/bibtex.js';
import { citationKey } from '../../src/papers/citation-key.js';
import { cslName, paperToCslJson } from '../../src/export/csl-json.js';
import { splitName } from '../../src/export/names.js';
import { paperToRis, risName } from '../../src/export/ris.js';
import { exportPapers } from '../../src/export/export-papers.js';
import { mapRecordToPaper } from '../../src/papers/paper-record.js';
import type { InputFormat } from '../../src/ingest/record-readers.js';
import type { Paper } from '../../src/papers/paper.js';
import { publicationTypes, type PublicationType } from '../../src/papers/publication-type.js';
import { formatFixtures, readRecords } from './format-support.js';
import { temporaryRoot } from './support.js';

const root = temporaryRoot('paper-search-export-');

const arxivPaper: Paper = {
  id: '2305.04567',
  title: 'Coral Reef Bleaching Detected with BERT-style Pretraining on ImageNet',
  abstract: 'Self-supervised pretraining detects 95% of bleaching events & more.\nSecond line.',
  authors: ['Thị Nguyễn', 'Anna van der Berg', 'John Smith Jr.', 'Google Research'],
  categories: ['cs.CV', 'cs.LG'],
  year: 2023,
  date: '2023-05-08',
  arxiv_id: '2305.04567',
};

const journalPaper: Paper = {
  id: 'glacier2019',
  title: 'Glacier Retreat',
  abstract: 'Ice loss.',
  authors: ['Freja Østergaard'],
  year: 2019,
  doi: '10.5555/glacier.2019.42',
  url: 'https://example.org/glacier?a=1&b=2',
  venue: 'Journal of Glaciology',
  volume: '65',
  issue: '251',
  pages: '117-129',
};

/** Papers of a file through the product's reader and mapping. */
async function importPapers(path: string, format: InputFormat): Promise<Paper[]> {
  const papers: Paper[] = [];
  for (const record of await readRecords(path, format)) {
    const mapped = record.error ? undefined : mapRecordToPaper(record.value);
    if (mapped?.ok) papers.push(mapped.paper);
  }
  return papers;
}

describe('splitName', () => {
  const cases: [string, ReturnType<typeof splitName>][] = [
    ['Ada Lovelace', { given: 'Ada', family: 'Lovelace' }],
    ['Jean-Pierre Café', { given: 'Jean-Pierre', family: 'Café' }],
    ['Anna van der Berg', { given: 'Anna', particle: 'van der', family: 'Berg' }],
    ['John Smith Jr.', { given: 'John', family: 'Smith', suffix: 'Jr.' }],
    ['Smith, John', { family: 'Smith', given: 'John' }],
    ['John Smith, Jr.', { given: 'John', family: 'Smith', suffix: 'Jr.' }],
    ['Google Research', { literal: 'Google Research' }],
    // Regression: exported as organisations ("Inc" was found in D'Incà, "Company" in Huertas-Company).
    ["Moreno D'Incà", { given: 'Moreno', family: "D'Incà" }],
    ['Marc Huertas-Company', { given: 'Marc', family: 'Huertas-Company' }],
    ['Acme Company', { literal: 'Acme Company' }],
    ['Google, Inc.', { literal: 'Google, Inc.' }],
    ['The ATLAS Collaboration', { literal: 'The ATLAS Collaboration' }],
    ['王小明', { literal: '王小明' }],
    ['Plato', { literal: 'Plato' }],
    ['Smith, John, III', { family: 'Smith', given: 'John', suffix: 'III' }],
    // Regression: split into family "National Academies of Sciences", given "Engineering", suffix "and Medicine".
    ['National Academies of Sciences, Engineering, and Medicine', { literal: 'National Academies of Sciences, Engineering, and Medicine' }],
    ['Alpha, Beta, Gamma', { literal: 'Alpha, Beta, Gamma' }],
    // Regression: exported as people ("on Climate Change, Intergovernmental Panel", "Bank, World").
    ['Intergovernmental Panel on Climate Change', { literal: 'Intergovernmental Panel on Climate Change' }],
    ['United States Geological Survey', { literal: 'United States Geological Survey' }],
    ['José Ortega y Gasset', { given: 'José Ortega', particle: 'y', family: 'Gasset' }],
  ];
  for (const [name, parts] of cases) {
    it(`splits ${name}`, () => assert.deepEqual(splitName(name), parts));
  }
});

describe('BibTeX export', () => {
  it('escapes TeX special characters and collapses white space', () => {
    assert.equal(
      escapeBibtex('50% of A & B, $5, #1, a_b, {x}, ~, ^, \\, <p>\n  next'),
      '50\\% of A \\& B, \\$5, \\#1, a\\_b, \\{x\\}, \\textasciitilde{}, \\textasciicircum{}, \\textbackslash{}, \\textless{}p\\textgreater{} next',
    );
  });

  it("regression: keeps arXiv's TeX math as math (a title's $\\times$ was escaped, and LaTeX printed the dollars and the command's name)", () => {
    assert.equal(escapeBibtex('A Survey of LLM $\\times$ DATA, $O(n^2)$ and $x_1$'), 'A Survey of LLM $\\times$ DATA, $O(n^2)$ and $x_1$');
    assert.equal(protectTitleCase('Efficient via $\\mu$P for $x \\in X$'), 'Efficient via {$\\mu$P} for {$x \\in X$}');
    // Dollars around no command, superscript or subscript are money; math whose braces do not balance is text.
    assert.equal(escapeBibtex('Costs $5 and $10'), 'Costs \\$5 and \\$10');
    assert.equal(escapeBibtex('a $\\frac{a$ b'), 'a \\$\\textbackslash{}frac\\textbraceleft{}a\\$ b');
  });

  it("regression: pairs dollars from the left, so a plain pair's closing dollar never opens math with the next one (a command between them left the dollars unbalanced, and LaTeX read the text as math)", () => {
    assert.equal(
      escapeBibtex('crafting $top$-1 examples named \\b geometric (GSBAK$^K$), in $top$-$K$.'),
      'crafting \\$top\\$-1 examples named \\textbackslash{}b geometric (GSBAK$^K$), in \\$top\\$-\\$K\\$.',
    );
    // Regression: a text of many dollars none of which closes took 46 s for 50,000 of them (quadratic).
    const dollars = '$1'.repeat(50_000);
    assert.equal(escapeBibtex(dollars), '\\$1'.repeat(50_000));
    assert.equal(protectTitleCase('GSBAK$^K$: $top$-$K$ Geometric Attack'), '{GSBAK$^K$}: {\\$top\\$-\\$K\\$} Geometric Attack');
  });

  it('regression: writes braces that do not pair up as commands (an abstract ending "}{https://…" ended its field early, and the file did not compile)', () => {
    assert.equal(escapeBibtex('KGRule2NL}{https://x.org/y'), 'KGRule2NL\\textbraceright{}\\textbraceleft{}https://x.org/y');
    assert.equal(escapeBibtex('a } b {'), 'a \\textbraceright{} b \\textbraceleft{}');
    assert.equal(escapeBibtex('set {x} of {y}'), 'set \\{x\\} of \\{y\\}');
  });

  it('regression: writes lone Greek letters and math signs as TeX math (pdfLaTeX stopped at "Unicode character α"), Greek words as they are', () => {
    assert.equal(
      escapeBibtex('The α-helix, 5 μm, p ≤ 0.05, Δt → ∞'),
      'The {$\\alpha$}-helix, 5 {$\\mu$}m, p {$\\leq$} 0.05, {$\\Delta$}t {$\\rightarrow$} {$\\infty$}',
    );
    assert.equal(escapeBibtex('Σωκράτης'), 'Σωκράτης');
    // Regression: a sign beside a Greek letter stayed Unicode.
    assert.equal(escapeBibtex('β≥0.5, x²≤β, Σωκράτης≈π'), '{$\\beta$}{$\\geq$}0.5, x²{$\\leq$}{$\\beta$}, Σωκράτης{$\\approx$}{$\\pi$}');
  });

  it('regression: writes raised and lowered characters as TeX math scripts (pdfLaTeX stopped at "Unicode character ₂", which the import makes of H$_2$O), and reads them back as they were', async () => {
    assert.equal(escapeBibtex('H₂O at 10⁻³ bar, m⁻¹, xᵢ, GSBAKᴷ, x²'), 'H{$_{2}$}O at 10{$^{-3}$} bar, m{$^{-1}$}, x{$_{i}$}, GSBAK{$^{K}$}, x²');
    const scripted: Paper = { id: 'scripts', title: 'H₂O and CO₂ at 10⁻³ bar: xᵢ, GSBAKᴷ, (a+b)⁽ⁿ⁾, x² and 10¹²', abstract: 'A.' };
    const path = join(root(), 'scripts.bib');
    await writeFile(path, paperToBibtex(scripted));
    const [back] = await importPapers(path, 'bibtex');
    assert.equal(back?.title, scripted.title);
  });

  it('braces acronyms and mixed-case words in titles', () => {
    assert.equal(
      protectTitleCase('BERT Meets ImageNet and GPT-4 on iPhone: A (LSTM) Study'),
      '{BERT} Meets {ImageNet} and {GPT-4} on {iPhone}: A ({LSTM}) Study',
    );
  });

  it('regression: braces a name holding the word "and" whole (Johnson and Johnson became "and Johnson, Johnson", two authors to BibTeX)', () => {
    assert.equal(bibtexName('Johnson and Johnson'), '{Johnson and Johnson}');
    assert.equal(bibtexName('Alexander Anderson'), 'Anderson, Alexander');
  });

  it('writes names "von Last, Jr, First", organisations braced', () => {
    assert.deepEqual(['Anna van der Berg', 'John Smith Jr.', 'Google Research', 'Ana María Ruíz'].map(bibtexName), [
      'van der Berg, Anna',
      'Smith, Jr., John',
      '{Google Research}',
      'Ruíz, Ana María',
    ]);
  });

  it('writes an arXiv paper as @misc with eprint, archivePrefix and primaryClass', () => {
    assert.equal(
      paperToBibtex(arxivPaper),
      [
        '@misc{2305.04567,',
        '  title = {Coral Reef Bleaching Detected with {BERT-style} Pretraining on {ImageNet}},',
        '  author = {Nguyễn, Thị and van der Berg, Anna and Smith, Jr., John and {Google Research}},',
        '  year = {2023},',
        '  month = may,',
        '  date = {2023-05-08},',
        '  url = {https://arxiv.org/abs/2305.04567},',
        '  eprint = {2305.04567},',
        '  archiveprefix = {arXiv},',
        '  primaryclass = {cs.CV},',
        '  keywords = {cs.CV, cs.LG},',
        '  abstract = {Self-supervised pretraining detects 95\\% of bleaching events \\& more. Second line.}',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('regression: takes the primary class from arXiv categories only (a keyword "optimization" or "data.science" became it)', () => {
    const primaryClass = (categories: string[]) => /primaryclass = \{([^}]*)\}/.exec(paperToBibtex({ ...arxivPaper, categories }))?.[1];
    assert.equal(primaryClass(['optimization', 'data.science', 'math.OC']), 'math.OC');
    assert.equal(primaryClass(['gravitation', 'gr-qc']), 'gr-qc');
    assert.equal(primaryClass(['cond-mat.mes-hall']), 'cond-mat.mes-hall');
    assert.equal(primaryClass(['optimization']), undefined);
  });

  it('writes a paper with a DOI as @article, DOI and URL verbatim', () => {
    const entry = paperToBibtex(journalPaper);
    assert.match(entry, /^@article\{glacier2019,\n/);
    assert.match(entry, /\n {2}doi = \{10\.5555\/glacier\.2019\.42\},\n/);
    assert.match(entry, /\n {2}url = \{https:\/\/example\.org\/glacier\?a=1&b=2\},\n/);
    assert.doesNotMatch(entry, /eprint/);
  });

  it('writes the venue as the journal, with volume, number and pages ("--" between them), and calls a paper with a venue an @article', () => {
    const entry = paperToBibtex(journalPaper);
    assert.match(entry, /\n {2}journal = \{Journal of Glaciology\},\n {2}volume = \{65\},\n {2}number = \{251\},\n {2}pages = \{117--129\},\n/);
    const { doi: _doi, ...withoutDoi } = journalPaper;
    assert.match(paperToBibtex(withoutDoi), /^@article\{/);
    assert.match(paperToBibtex({ ...withoutDoi, venue: undefined }), /^@misc\{/);
    // Only a range of two pages gets the range dash; other forms are kept as they are.
    for (const [pages, written] of [
      ['S12-S15', 'S12--S15'],
      ['e1002', 'e1002'],
      ['e-1002', 'e-1002'],
      ['1-5, 7-9', '1-5, 7-9'],
    ]) {
      assert.match(paperToBibtex({ ...journalPaper, pages: pages! }), new RegExp(`\\n {2}pages = \\{${written}\\},\\n`), pages);
    }
  });

  it('regression: percent-encodes braces and white space in a DOI or URL rather than dropping them (the exported URL named another page)', () => {
    const entry = paperToBibtex({ ...journalPaper, doi: '10.1234/ab}c', url: 'https://example.org/a b{c}?q=1' });
    assert.match(entry, /\n {2}doi = \{10\.1234\/ab%7Dc\},\n/);
    assert.match(entry, /\n {2}url = \{https:\/\/example\.org\/a%20b%7Bc%7D\?q=1\},\n/);
  });

  it('makes citation keys from ids, and unique within a file', () => {
    assert.equal(citationKey('hep-th/9901001'), 'hep-th/9901001');
    assert.equal(citationKey('a b,c{d}'), 'a_b_c_d_');
    const file = papersToBibtex([
      { ...journalPaper, id: 'x y' },
      { ...journalPaper, id: 'x,y' },
      { ...journalPaper, id: 'x_y' },
      // Regression: BibTeX compares keys ignoring case, and dropped the second of Smith2020 and smith2020.
      { ...journalPaper, id: 'X_Y' },
    ]);
    // Regression: the paper whose id is x_y, a key already, was given x_yb because "x y" came first.
    assert.deepEqual(
      [...file.matchAll(/^@article\{([^,]+),/gm)].map((match) => match[1]),
      ['x_ya', 'x_yb', 'x_y', 'X_Yc'],
    );
  });

  it('regression: writes a paper listed twice once (a batch asking for it by id and by DOI exported it under two keys)', () => {
    for (const format of ['bibtex', 'ris', 'csl-json'] as const) {
      const once = exportPapers([journalPaper], format);
      assert.equal(exportPapers([journalPaper, { ...journalPaper }], format), once, format);
    }
  });
});

describe('RIS export', () => {
  it('writes one tag per line, authors "Last, First, Suffix", keywords one per line, and ends with ER', () => {
    assert.equal(
      paperToRis(arxivPaper),
      [
        'TY  - GEN',
        'ID  - 2305.04567',
        'TI  - Coral Reef Bleaching Detected with BERT-style Pretraining on ImageNet',
        'AU  - Nguyễn, Thị',
        'AU  - van der Berg, Anna',
        'AU  - Smith, John, Jr.',
        'AU  - Google Research',
        'PY  - 2023',
        'DA  - 2023/05/08',
        'AB  - Self-supervised pretraining detects 95% of bleaching events & more. Second line.',
        'KW  - cs.CV',
        'KW  - cs.LG',
        'UR  - https://arxiv.org/abs/2305.04567',
        'ER  - ',
        '',
      ].join('\n'),
    );
    assert.match(paperToRis(journalPaper), /^TY {2}- JOUR\n/);
    assert.match(paperToRis(journalPaper), /\nT2 {2}- Journal of Glaciology\nVL {2}- 65\nIS {2}- 251\nSP {2}- 117\nEP {2}- 129\n/);
    const listed = paperToRis({ ...journalPaper, pages: '1-5, 7-9' });
    assert.match(listed, /\nSP {2}- 1-5, 7-9\n/, 'pages that are not one range are kept whole in SP');
    assert.doesNotMatch(listed, /\nEP /);
    assert.equal(risName('Plato'), 'Plato');
  });

  it("regression: dates a paper of a year alone in DA too (citation-js, reading RIS by its specification, took a conference paper's PY for the conference's date and gave the paper none)", () => {
    const conference: Paper = { id: 'c', title: 'T', abstract: 'A.', type: 'conference-paper', venue: 'Proc. X', year: 2017 };
    assert.match(paperToRis(conference), /\nPY {2}- 2017\nDA {2}- 2017\/\/\/\n/);
    assert.match(paperToRis({ ...conference, year: 999 }), /\nDA {2}- 0999\/\/\/\n/);
    assert.doesNotMatch(paperToRis({ ...conference, year: undefined }), /\n(?:PY|DA) /);
  });
});

describe('CSL-JSON export', () => {
  it('regression: writes a date of a month or a year alone as RIS does (2021/03//, 2021///), and no time after it (it wrote 2021/03 and 2021/03/05T10:00Z)', () => {
    const da = (date: string) => /^DA {2}- (.*)$/m.exec(paperToRis({ id: 'x', title: 'T', abstract: 'A', date }))?.[1];
    assert.deepEqual(['2021-03-05', '2021-03', '2021', '2021-03-05T10:00:00Z'].map(da), ['2021/03/05', '2021/03//', '2021///', '2021/03/05']);
  });

  it('writes title and abstract on one line, as BibTeX and RIS do (arXiv wraps them every 80 columns)', () => {
    const wrapped = { id: 'w1', title: 'A title wrapped\n  onto two lines', abstract: 'An abstract hard-wrapped\nat eighty columns,\n  with an indent.' };
    const item = paperToCslJson(wrapped);
    assert.equal(item.title, 'A title wrapped onto two lines');
    assert.equal(item.abstract, 'An abstract hard-wrapped at eighty columns, with an indent.');
  });

  it('writes an arXiv preprint as "article" with arXiv as publisher and its id as number', () => {
    assert.deepEqual(paperToCslJson(arxivPaper), {
      id: '2305.04567',
      type: 'article',
      title: 'Coral Reef Bleaching Detected with BERT-style Pretraining on ImageNet',
      author: [
        { family: 'Nguyễn', given: 'Thị' },
        { family: 'Berg', given: 'Anna', 'non-dropping-particle': 'van der' },
        { family: 'Smith', given: 'John', suffix: 'Jr.' },
        { literal: 'Google Research' },
      ],
      issued: { 'date-parts': [[2023, 5, 8]] },
      abstract: 'Self-supervised pretraining detects 95% of bleaching events & more. Second line.',
      URL: 'https://arxiv.org/abs/2305.04567',
      keyword: 'cs.CV, cs.LG',
      publisher: 'arXiv',
      number: 'arXiv:2305.04567',
    });
  });

  it('writes a paper with a DOI as "article-journal", dated by its year when it has no date', () => {
    const item = paperToCslJson(journalPaper);
    assert.equal(item.type, 'article-journal');
    assert.equal(item.DOI, '10.5555/glacier.2019.42');
    assert.deepEqual(item.issued, { 'date-parts': [[2019]] });
    assert.deepEqual([item['container-title'], item.volume, item.issue, item.page], ['Journal of Glaciology', '65', '251', '117-129']);
    assert.deepEqual(cslName('王小明'), { literal: '王小明' });
  });
});

describe('publication types in the exports', () => {
  const typed = (type: PublicationType): Paper => ({ ...journalPaper, id: `typed-${type}`, type, venue: 'Where' });
  const cases: [PublicationType, bibtex: string, venueField: string, ris: string, risVenue: string, csl: string][] = [
    ['journal-article', 'article', 'journal', 'JOUR', 'T2', 'article-journal'],
    ['conference-paper', 'inproceedings', 'booktitle', 'CONF', 'T2', 'paper-conference'],
    ['book-chapter', 'incollection', 'booktitle', 'CHAP', 'T2', 'chapter'],
    ['book', 'book', 'publisher', 'BOOK', 'PB', 'book'],
    ['thesis', 'phdthesis', 'school', 'THES', 'PB', 'thesis'],
    ['report', 'techreport', 'institution', 'RPRT', 'PB', 'report'],
    ['preprint', 'misc', 'journal', 'GEN', 'T2', 'article'],
    ['dataset', 'misc', 'publisher', 'DATA', 'PB', 'dataset'],
    ['other', 'misc', 'publisher', 'GEN', 'PB', 'document'],
  ];
  it('covers every type', () => assert.deepEqual(cases.map(([type]) => type).sort(), [...publicationTypes].sort()));
  for (const [type, bibtex, venueField, ris, risVenue, csl] of cases) {
    it(`writes a ${type} as @${bibtex} (venue in ${venueField}), TY ${ris} (venue in ${risVenue}) and CSL "${csl}"`, () => {
      const entry = paperToBibtex(typed(type));
      assert.match(entry, new RegExp(`^@${bibtex}\\{typed-${type},`));
      assert.match(entry, new RegExp(`\\n  ${venueField} = \\{Where\\}`));
      const record = paperToRis(typed(type));
      assert.match(record, new RegExp(`^TY  - ${ris}\\n`));
      assert.match(record, new RegExp(`\\n${risVenue}  - Where\\n`));
      // Zotero reads a conference paper's proceedings from C3, its T2 being the conference's name.
      assert.equal(record.includes('\nC3  - Where\n'), type === 'conference-paper');
      const item = paperToCslJson(typed(type));
      assert.equal(item.type, csl);
      assert.equal(item[risVenue === 'PB' ? 'publisher' : 'container-title'], 'Where');
    });
  }

  it('reads every type back from its BibTeX and RIS export, venue included (BibTeX writes a dataset, and both a preprint of no arXiv id, as a generic entry: they come back as "other")', async () => {
    for (const type of publicationTypes) {
      for (const [format, write] of [
        ['bibtex', paperToBibtex],
        ['ris', paperToRis],
      ] as const) {
        const path = join(root(), `typed-${type}.${format}`);
        await writeFile(path, write(typed(type)));
        const [back] = await importPapers(path, format);
        const generic = type === 'preprint' || (type === 'dataset' && format === 'bibtex');
        assert.deepEqual([back?.type, back?.venue], [generic ? 'other' : type, 'Where'], `${type} through ${format}`);
      }
    }
    const path = join(root(), 'arxiv-preprint.bib');
    await writeFile(path, paperToBibtex({ ...arxivPaper, type: 'preprint' }));
    assert.equal((await importPapers(path, 'bibtex'))[0]?.type, 'preprint');
  });

  it('regression: keeps an id that is the paper\'s DOI through BibTeX, though the key had to change it (a re-import made a second copy under "10.1016/s0140-6736_19_30000-1")', async () => {
    const doi = '10.1016/s0140-6736(19)30000-1';
    const path = join(root(), 'doi-id.bib');
    await writeFile(path, papersToBibtex([{ id: doi, title: 'T', abstract: 'A', doi }]));
    assert.match(await readFile(path, 'utf8'), /^@article\{10\.1016\/s0140-6736_19_30000-1,/);
    const [back] = await importPapers(path, 'bibtex');
    assert.equal(back?.id, doi);
  });

  it('regression: keeps tags written in a title or abstract through BibTeX (<i>in vivo</i> came back as "in vivo", <strong> as "strong": the export\'s \\textless{} read as markup)', async () => {
    const paper: Paper = {
      id: 'tags',
      title: 'Effects of <i>in vivo</i> dosing: <b> vs <strong>',
      abstract: 'Markup such as <sup>2</sup>, <span class="x">z</span>, List<br> and <p>Intro</p> is text here; p < 0.05 and n > 30.',
    };
    const path = join(root(), 'tags.bib');
    await writeFile(path, paperToBibtex(paper));
    const [back] = await importPapers(path, 'bibtex');
    assert.deepEqual([back?.title, back?.abstract], [paper.title, paper.abstract]);
  });

  it('regression: keeps the arXiv id of a paper with a URL of its own through RIS (the one UR held its own URL, and the arXiv id was lost)', async () => {
    const paper: Paper = { id: 'smith2019', title: 'T', abstract: 'A', url: 'https://example.org/smith', arxiv_id: '1901.00001', type: 'conference-paper' };
    const path = join(root(), 'own-url.ris');
    await writeFile(path, paperToRis(paper));
    const [back] = await importPapers(path, 'ris');
    assert.deepEqual([back?.url, back?.arxiv_id], ['https://example.org/smith', '1901.00001']);
    assert.equal(paperToRis({ ...paper, url: undefined }).match(/^UR {2}-/gm)?.length, 1, 'the arXiv link alone when it is the only one');
  });

  it("writes a paper without a type as a journal article when it has a venue or a DOI not arXiv's, else as a preprint", () => {
    assert.equal(paperToCslJson({ ...journalPaper, venue: undefined }).type, 'article-journal');
    assert.equal(paperToCslJson(arxivPaper).type, 'article');
  });
});

describe('BibTeX round trip', () => {
  it('keeps title, authors, year, date, DOI, arXiv id, abstract, type, venue, volume, issue and pages of an imported .bib through export and re-import', async () => {
    const imported = await importPapers(join(formatFixtures, 'library.bib'), 'bibtex');
    assert.equal(imported.length, 6, 'the fixture has six entries with an abstract (one a duplicate key)');
    const path = join(root(), 'exported.bib');
    await writeFile(path, papersToBibtex(imported));
    const reimported = await importPapers(path, 'bibtex');
    assert.equal(reimported.length, imported.length);
    const fields = ['title', 'authors', 'year', 'date', 'doi', 'arxiv_id', 'abstract', 'categories', 'type', 'venue', 'volume', 'issue', 'pages'] as const;
    assert.deepEqual(new Set(imported.map((paper) => paper.type)), new Set(['journal-article', 'conference-paper', 'preprint', 'book']));
    assert.ok(
      imported.some((paper) => paper.venue && paper.pages),
      'the fixture has a paper with a venue and pages',
    );
    for (let i = 0; i < imported.length; i++) {
      const pick = (paper: Paper) => Object.fromEntries(fields.map((field) => [field, paper[field]]));
      assert.deepEqual(pick(reimported[i]!), pick(imported[i]!), imported[i]!.id);
    }
  });

  it('regression: keeps a DOI holding braces through export and re-import (it came back percent-encoded, and doi: no longer found the paper)', async () => {
    const braced: Paper = { id: 'braced', title: 'T', abstract: 'A.', doi: '10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-o{x}' };
    const path = join(root(), 'braced.bib');
    await writeFile(path, paperToBibtex(braced));
    assert.match(await readFile(path, 'utf8'), /%7Bx%7D/, 'the export encodes the braces');
    const [back] = await importPapers(path, 'bibtex');
    assert.equal(back?.doi, braced.doi);
  });

  it('keeps text with TeX special characters, angle brackets and Unicode through export and re-import', async () => {
    const tricky: Paper = {
      id: 'tricky',
      title: 'p < 0.05 for 50% of {A} & B_1 at $5 ~ #1 ^ \\ in Ωmega-ÉCOLE, the α-helix ≤ 5 μm',
      abstract: 'Backslash \\ and braces {x} and “quotes” and naïve café — done. Σωκράτης. Ends }{https://x.org/y',
      authors: ['Zoë Ñúñez', 'Dvořák, Antonín'],
      year: 2024,
    };
    const path = join(root(), 'tricky.bib');
    await writeFile(path, paperToBibtex(tricky));
    const [back] = await importPapers(path, 'bibtex');
    assert.equal(back?.title, tricky.title);
    assert.equal(back?.abstract, tricky.abstract);
    assert.deepEqual(back?.authors, ['Zoë Ñúñez', 'Antonín Dvořák']);
  });

  it('regression: escapes a percent sign in TeX math ($\\textbf{16.3%}$ was written as it was: LaTeX read the rest of the abstract as a comment, and the re-import cut the abstract there)', async () => {
    const percent: Paper = {
      id: 'percent',
      title: 'Gains of $\\mathbf{5%}$',
      abstract: 'It improves FID by $\\textbf{16.3%}$ and PER by $\\textbf{35.2%}$, at 2$\\times$ the cost.',
    };
    const entry = paperToBibtex(percent);
    assert.match(entry, /\$\\textbf\{16\.3\\%\}\$/);
    const path = join(root(), 'percent.bib');
    await writeFile(path, entry);
    const [back] = await importPapers(path, 'bibtex');
    assert.equal(back?.title, 'Gains of 5%');
    assert.equal(back?.abstract, 'It improves FID by 16.3% and PER by 35.2%, at 2× the cost.');
  });

  it('regression: keeps the column separators of a TeX environment in math ($\\begin{cases} a & b \\end{cases}$ was written with \\&, which sets a sign and breaks its columns)', () => {
    const entry = paperToBibtex({
      id: 'cases',
      title: 'Cases',
      abstract: 'With $f = \\begin{cases} 1 & x > 0 \\\\ 0 & x \\le 0 \\end{cases}$ and $\\alpha & \\beta$.',
    });
    assert.match(entry, /\\begin\{cases\} 1 & x > 0/);
    assert.match(entry, /\$\\alpha \\& \\beta\$/);
  });

  it('regression: keeps an organisation whose name holds commas whole through BibTeX, RIS and CSL-JSON export and re-import (it came back as two authors or reshuffled)', async () => {
    const report: Paper = {
      id: 'nasem',
      title: 'A consensus report',
      abstract: 'A report.',
      authors: ['National Academies of Sciences, Engineering, and Medicine', 'Google, Inc.', 'Ada Lovelace'],
    };
    const written: [InputFormat, string, string][] = [
      ['bibtex', 'nasem.bib', paperToBibtex(report)],
      ['ris', 'nasem.ris', paperToRis(report)],
      ['json', 'nasem.json', JSON.stringify([paperToCslJson(report)])],
    ];
    for (const [format, name, text] of written) {
      const path = join(root(), name);
      await writeFile(path, text);
      const [back] = await importPapers(path, format);
      assert.deepEqual(back?.authors, report.authors, format);
    }
  });

  it('regression: keeps a category holding a comma whole through export and re-import (a MeSH heading came back split in two)', async () => {
    const headings: Paper = { id: 'mesh', title: 'T', abstract: 'A', categories: ['Carcinoma, Squamous Cell', 'Oncology', 'a; b'] };
    const path = join(root(), 'mesh.bib');
    await writeFile(path, paperToBibtex(headings));
    const [back] = await importPapers(path, 'bibtex');
    assert.deepEqual(back?.categories, headings.categories);
  });

  it('regression: keeps a year before 1000 through BibTeX and RIS export and re-import (written as 999, it was read as no year: a year is its first four digits)', async () => {
    const antiquity: Paper[] = [
      { id: 'beowulf', title: 'Beowulf', abstract: 'An epic poem.', year: 999 },
      { id: 'aeneid', title: 'Aeneid', abstract: 'An epic poem.', year: 19 },
    ];
    const bibtexPath = join(root(), 'antiquity.bib');
    await writeFile(bibtexPath, papersToBibtex(antiquity));
    const risPath = join(root(), 'antiquity.ris');
    await writeFile(risPath, antiquity.map((paper) => paperToRis(paper)).join('\n'));
    for (const [path, format] of [
      [bibtexPath, 'bibtex'],
      [risPath, 'ris'],
    ] as const) {
      const back = await importPapers(path, format);
      assert.deepEqual(
        back.map((paper) => [paper.id, paper.year]),
        [
          ['beowulf', 999],
          ['aeneid', 19],
        ],
        format,
      );
    }
  });

  it("regression: keeps -- --- `` and '' as written (read back as TeX, they became dashes and curly quotes)", async () => {
    const ligatures: Paper = { id: 'ligatures', title: "A -- B --- C ``D'' x''", abstract: "Range 1--2, a pause --- then ``quoted'' text and it's fine." };
    const path = join(root(), 'ligatures.bib');
    await writeFile(path, paperToBibtex(ligatures));
    const [back] = await importPapers(path, 'bibtex');
    assert.equal(back?.title, ligatures.title);
    assert.equal(back?.abstract, ligatures.abstract);
  });
});
