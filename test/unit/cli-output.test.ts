import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeFailure, exitCodes, UsageError } from '../../src/cli/exit-codes.js';
import { hitsTable } from '../../src/cli/output/hits-output.js';
import { formatDuration } from '../../src/cli/output/progress-bars.js';
import { fit, traitsOf, wrap } from '../../src/cli/output/terminal.js';
import { PaperSearchError } from '../../src/client/paper-search-client.js';
import { AppError } from '../../src/errors.js';

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

  it('says so when there is nothing', () => {
    assert.equal(hitsTable([], { isTerminal: true, color: true, columns: 80 }), 'No papers match.\n');
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
});

describe('failures', () => {
  it('map to the documented exit codes', () => {
    assert.equal(describeFailure(new UsageError('give --file')).exitCode, exitCodes.usage);
    assert.equal(describeFailure(new AppError('invalid_input', 'k too big')).exitCode, exitCodes.usage);
    assert.equal(describeFailure(new PaperSearchError(400, 'invalid_input', 'k too big')).exitCode, exitCodes.usage);
    assert.equal(describeFailure(new PaperSearchError(404, 'paper_not_found', 'no')).exitCode, exitCodes.failure);
    assert.equal(describeFailure(new AppError('index_missing')).exitCode, exitCodes.failure);
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    assert.deepEqual(describeFailure(refused, 'http://127.0.0.1:9'), {
      code: 'server_unreachable',
      message: 'Cannot reach http://127.0.0.1:9 (ECONNREFUSED). Is the server running? Start one with: paper-search serve',
      exitCode: exitCodes.failure,
    });
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
