import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failureOfCommand, exitCodes, UsageError } from '../../src/cli/exit-codes.js';
import { hitsTable, printHits, printPapers } from '../../src/cli/output/hits-output.js';
import { formatDuration } from '../../src/cli/output/progress-bars.js';
import { columnsOf, fit, padColumns, traitsOf, wrap } from '../../src/cli/output/terminal.js';
import { PaperSearchError } from '../../src/client/paper-search-client.js';
import { AppError, errorCatalog } from '../../src/errors.js';

const hits = [
  {
    id: 'seed-014',
    title: 'HNeRV: A Hybrid Neural Representation for Videos',
    score: 0.991234,
    year: 2023,
    authors: ['A', 'B', 'C', 'D'],
    categories: ['cs.CV'],
    arxiv_id: '2304.02633',
  },
  { id: 'p2', title: 'Untitled follow-up', score: 0.5, explain: { ranks: { dense: 2 }, closest_sentence: { text: 'The closest sentence.', score: 0.8 } } },
];
const ansi = /\u001b\[/;

describe('the hits table', () => {
  it('shows rank, score, year, title and id, then authors, categories and a link, and the closest sentence', () => {
    const table = hitsTable(hits, { isTerminal: true, color: false, columns: 100 });
    const lines = table.trimEnd().split('\n');
    assert.match(lines[0]!, /^1 {3}0\.991 {2}2023 {2}HNeRV: A Hybrid Neural Representation for Videos\s+seed-014$/);
    assert.equal(lines[1], '   A, B, C et al. · cs.CV · https://arxiv.org/abs/2304.02633');
    assert.match(lines[2]!, /^2 {3}0\.500 {8}Untitled follow-up\s+p2$/);
    assert.equal(lines[3], '   “The closest sentence.”');
    assert.ok(lines.every((line) => line.length <= 100));
    assert.doesNotMatch(table, ansi);
  });

  it('is coloured only when colour is on', () => {
    assert.match(hitsTable(hits, { isTerminal: true, color: true, columns: 100 }), ansi);
  });

  it('regression: keeps every line within the terminal for CJK titles and emoji (a CJK title took 123 of 80 columns; an emoji was cut in two)', () => {
    const wide = [
      { id: 'cjk-1', title: '基于深度学习的图像分割方法研究：一种新的注意力机制与多尺度特征融合网络在医学影像中的应用', score: 0.9, year: 2024 },
      { id: 'emoji', title: '🐙'.repeat(60), score: 0.8, year: 2024 },
      { id: 'mixed', title: 'Ａｌｐｈａ résumé naïve — 長い題名 with combining é', score: 0.7 },
    ];
    for (const columns of [80, 61, 50]) {
      const lines = hitsTable(wide, { isTerminal: true, color: false, columns }).trimEnd().split('\n');
      for (const line of lines) assert.ok(columnsOf(line) <= columns, `${columnsOf(line)} > ${columns}: ${line}`);
      assert.ok(lines.every((line) => !line.includes('\ufffd')));
      // The id column lines up whatever the title's script.
      const idColumns = lines.filter((line) => /(cjk-1|emoji|mixed)$/.test(line)).map((line) => columnsOf(line.replace(/\S+$/, '')));
      assert.equal(new Set(idColumns).size, 1, String(idColumns));
    }
  });

  it('regression: shows control characters of a stored title as U+FFFD (an escape sequence reached the terminal)', () => {
    const hostile = [{ id: 'x\u001b]0;id\u0007', title: 'ANSI \u001b[31mred\u001b[0m \u001b]0;pwned\u0007 \ud800 end', score: 0.5 }];
    const table = hitsTable(hostile, { isTerminal: true, color: false, columns: 100 });
    assert.doesNotMatch(table, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    assert.doesNotMatch(table, /\p{Cs}/u);
    // Each escape sequence shows as one U+FFFD, as a lone surrogate does.
    assert.match(table, /ANSI \ufffdred\ufffd \ufffd \ufffd end/);
  });

  it('regression: shows a direction override of a stored title as U+FFFD (U+202E reached the terminal and reversed the rest of the row, its id included)', () => {
    const hostile = [{ id: 'rtl-1', title: 'Tidy \u202Etitle\u2066 text\u2069', authors: ['Ann \u202DOne'], score: 0.5 }];
    const table = hitsTable(hostile, { isTerminal: true, color: false, columns: 100 });
    assert.doesNotMatch(table, /[\u202a-\u202e\u2066-\u2069]/);
    assert.match(table, /Tidy \ufffdtitle\ufffd text\ufffd\s+rtl-1/);
    // Right-to-left text itself is kept as written.
    assert.match(hitsTable([{ id: 'he', title: 'שלום עולם', score: 0.5 }], { isTerminal: true, color: false, columns: 100 }), /שלום עולם/);
  });

  it('says so when there is nothing', () => {
    assert.equal(hitsTable([], { isTerminal: true, color: true, columns: 80 }), 'No papers match.\n');
  });
});

describe('the hits at a terminal', () => {
  it('regression: says what the search said of its query, the paper or the author it names or "did you mean" (the command line showed none)', () => {
    const said: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      const terminal = { json: false, stdout: { isTerminal: true, color: false, columns: 100 } };
      printHits({ hits, took_ms: 3, suggested_query: 'neural video compression' }, terminal, (line) => said.push(line));
      printHits({ hits, took_ms: 3, named_paper: { id: 'seed-014', title: 'HNeRV' } }, terminal, (line) => said.push(line));
      printHits({ hits, took_ms: 3, named_author: { name: 'Yan Zhang', papers: 3 } }, terminal, (line) => said.push(line));
    } finally {
      process.stdout.write = write;
    }
    assert.deepEqual(said, [
      '2 hits in 3 ms',
      'Did you mean: neural video compression',
      '2 hits in 3 ms',
      'The query names the paper seed-014: HNeRV (paper-search get seed-014)',
      '2 hits in 3 ms',
      'Yan Zhang has 3 papers here (--author "Yan Zhang" lists them)',
    ]);
  });
});

describe('the paper a query names', () => {
  it("regression: writes its stored title on one line and without control characters (a title's line breaks and escape sequences reached the terminal)", () => {
    const said: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      const terminal = { json: false, stdout: { isTerminal: true, color: false, columns: 100 } };
      printHits({ hits, took_ms: 3, named_paper: { id: 'seed-014', title: 'HNeRV\n1 0.990 2099 Forged\u001b[2J' } }, terminal, (line) => said.push(line));
    } finally {
      process.stdout.write = write;
    }
    assert.equal(said[1], 'The query names the paper seed-014: HNeRV 1 0.990 2099 Forged\ufffd (paper-search get seed-014)');
  });
});

describe('a paper at a terminal', () => {
  it('regression: a paper without authors, date or categories has no blank line between its title and its id (the card printed an empty line of them)', () => {
    let printed = '';
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => ((printed += chunk), true)) as typeof process.stdout.write;
    try {
      const terminal = { json: false, stdout: { isTerminal: true, color: false, columns: 100 } };
      printPapers([{ id: 'seed-014', title: 'HNeRV', abstract: 'Videos as networks.' }], terminal);
    } finally {
      process.stdout.write = write;
    }
    assert.equal(printed, 'HNeRV\nid seed-014\n\nVideos as networks.\n');
  });
});

describe('stream traits', () => {
  const stream = (traits: Partial<NodeJS.WriteStream>) => traits as NodeJS.WriteStream;

  it('colour needs a terminal whose environment allows it (NO_COLOR is read by hasColors)', () => {
    assert.deepEqual(traitsOf(stream({ isTTY: true, columns: 120, hasColors: () => true })), { isTerminal: true, color: true, columns: 120 });
    assert.equal(traitsOf(stream({ isTTY: true, columns: 120, hasColors: () => false })).color, false);
    assert.deepEqual(traitsOf(stream({})), { isTerminal: false, color: false, columns: 100 });
  });

  it('fits and wraps text', () => {
    assert.equal(fit('a  long\ntitle here', 9), 'a long t…');
    assert.deepEqual(wrap('one two three four', 9), ['one two', 'three', 'four']);
  });

  it('fits and wraps by columns, not UTF-16 units, between characters', () => {
    assert.equal(fit('图像分割方法', 7), '图像分…');
    assert.equal(fit('🐙🐙🐙🐙', 5), '🐙🐙…');
    assert.equal(fit('👩‍🔬👩‍🔬', 3), '👩‍🔬…');
    assert.deepEqual(wrap('图像分割方法研究 深度', 6), ['图像分', '割方法', '研究', '深度']);
    assert.equal(padColumns('图像', 6), '图像  ');
    assert.deepEqual([columnsOf('abc'), columnsOf('图像'), columnsOf('é'), columnsOf('🐙')], [3, 4, 1, 2]);
  });
});

describe('failures', () => {
  it("regression: carry codes of the one catalog (a usage error and a bug were 'usage' and 'unexpected', codes no catalog held)", () => {
    for (const error of [new UsageError('give --file'), new TypeError('x is undefined'), 'a thrown string', new AppError('index_missing')]) {
      assert.ok(failureOfCommand(error).code in errorCatalog, failureOfCommand(error).code);
    }
    assert.equal(failureOfCommand(new TypeError('x is undefined')).code, 'internal');
  });

  it('map to the documented exit codes', () => {
    assert.equal(failureOfCommand(new UsageError('give --file')).exitCode, exitCodes.usage);
    assert.equal(failureOfCommand(new AppError('invalid_input', 'k too big')).exitCode, exitCodes.usage);
    assert.equal(failureOfCommand(new PaperSearchError(400, 'invalid_input', 'k too big')).exitCode, exitCodes.usage);
    assert.equal(failureOfCommand(new PaperSearchError(404, 'paper_not_found', 'no')).exitCode, exitCodes.failure);
    assert.equal(failureOfCommand(new AppError('index_missing')).exitCode, exitCodes.failure);
    const refused = new PaperSearchError(
      502,
      'server_unreachable',
      'GET /v1/stats: the paper-search server at http://127.0.0.1:9 cannot be reached (ECONNREFUSED).',
      {
        reason: 'ECONNREFUSED',
      },
    );
    assert.deepEqual(failureOfCommand(refused, 'http://127.0.0.1:9'), {
      code: 'server_unreachable',
      message: 'Cannot reach http://127.0.0.1:9 (ECONNREFUSED). Is the server running? Start one with: paper-search serve',
      exitCode: exitCodes.failure,
    });
  });
});

describe('a full disk during a command (it was reported as an unexpected error)', () => {
  it('is disk_full with what to do, and no stack trace', () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    const failure = failureOfCommand(full);
    assert.equal(failure.code, 'disk_full');
    assert.equal(failure.exitCode, exitCodes.failure);
    assert.match(failure.message, /^The disk is full \(ENOSPC: no space left on device, write\)\. Free space and run the command again/);
    assert.doesNotMatch(failure.message, /\n\s+at /);
  });
});

describe('durations', () => {
  it('read as seconds, minutes or hours', () => {
    assert.equal(formatDuration(42.4), '42s');
    assert.equal(formatDuration(61), '1m 01s');
    assert.equal(formatDuration(3 * 3600 + 5 * 60), '3h 05m');
    assert.equal(formatDuration(Number.POSITIVE_INFINITY), '–');
  });
});
