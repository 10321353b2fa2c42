/**
 * How often the spelling suggestion gives back the word meant: words of papers' titles, each with
 * one slip a typist makes (a letter dropped, two swapped, one changed or one added, never the
 * first), against the vocabulary of the whole collection (titles and abstracts, as the lexical
 * index counts it). A slip that is itself a word more than ten papers hold is no slip to correct
 * and is drawn again. "Meant" is the word's stem, as search reads it.
 *
 *   node --import tsx scripts/eval/spelling-slips.ts --input ../shared/data/arxiv/papers.jsonl.gz [--slips 1000] [--seed 7]
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { z } from 'zod';
import { seededRandom } from '../../src/shared/seeded-random.js';
import { analyze } from '../../src/storage/embedded/lexical/analyzer.js';
import { spellingSuggestion } from '../../src/storage/embedded/lexical/spelling.js';
import { parsedFlags, parseScriptArguments } from './script-arguments.js';

const { values } = parsedFlags({ options: { input: { type: 'string' }, slips: { type: 'string' }, seed: { type: 'string' } } });
const options = parseScriptArguments(
  z.object({ input: z.string(), slips: z.coerce.number().int().positive().default(1_000), seed: z.coerce.number().int().default(7) }),
  values,
);

const papersHolding = new Map<string, number>();
const titles: string[] = [];
const lines = createReadStream(options.input);
for await (const line of createInterface({ input: options.input.endsWith('.gz') ? lines.pipe(createGunzip()) : lines })) {
  if (line.trim().length === 0) continue;
  const paper = JSON.parse(line) as { title?: string; abstract?: string };
  titles.push(paper.title ?? '');
  for (const term of new Set(analyze(`${paper.title ?? ''} ${paper.abstract ?? ''}`))) papersHolding.set(term, (papersHolding.get(term) ?? 0) + 1);
}
const held = (term: string) => papersHolding.get(term) ?? 0;
const stemOf = (word: string) => analyze(word)[0];

const random = seededRandom(options.seed);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const letters = 'abcdefghijklmnopqrstuvwxyz';

/** The word with one slip at `at` (never the first letter). */
function slipped(word: string, at: number): string {
  const letter = pick([...letters]);
  switch (pick(['drop', 'swap', 'change', 'add'] as const)) {
    case 'drop':
      return word.slice(0, at) + word.slice(at + 1);
    case 'swap':
      return at < word.length - 1 ? word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2) : word;
    case 'change':
      return word.slice(0, at) + letter + word.slice(at + 1);
    case 'add':
      return word.slice(0, at) + letter + word.slice(at);
  }
}

const tally = { meant: 0, other: 0, none: 0 };
const others: string[] = [];
while (tally.meant + tally.other + tally.none < options.slips) {
  const words = pick(titles)
    .split(/\s+/)
    .filter((word) => /^[a-z]{6,14}$/.test(word));
  if (words.length === 0) continue;
  const word = pick(words);
  const slip = slipped(word, 1 + Math.floor(random() * (word.length - 1)));
  const slipStem = stemOf(slip);
  if (slip === word || (slipStem !== undefined && held(slipStem) > 10)) continue;
  const suggestion = spellingSuggestion(slip, held);
  if (suggestion === undefined) tally.none++;
  else if (stemOf(suggestion) === stemOf(word)) tally.meant++;
  else {
    tally.other++;
    others.push(`${word} → ${slip} → ${suggestion}`);
  }
}
console.log(
  `${titles.length} papers, ${options.slips} slips (seed ${options.seed}): ${tally.meant} as meant, ${tally.other} as another word, ${tally.none} with no suggestion`,
);
console.log(`another word: ${others.slice(0, 20).join('; ')}`);
