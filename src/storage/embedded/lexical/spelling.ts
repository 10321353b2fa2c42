import { termOf } from './analyzer.js';

/**
 * A word held by at most this many papers may be a slip (papers have typos too: "transfomer" is
 * in 4 of 74,728 arXiv papers); one held by more is taken as meant ("modal" is no slip of "model").
 */
const rareWordPapers = 10;
/** A neighbour must be held by this many times the papers the word is (and by ten at least) to be the word meant. */
const commonerBy = 100;
const leastPapers = 10;
/** Shorter words have too many neighbours one letter away to guess among ("yolk" and "yolo"). */
const shortestWordCorrected = 5;
/**
 * Longer words are names, formulas or debris more than slips, and their neighbours (54 a letter)
 * and stems cost with their length: a 299-letter word took 108 ms.
 */
const longestWordCorrected = 20;
const letters = 'abcdefghijklmnopqrstuvwxyz';
/**
 * Each word looked at costs up to a thousand neighbours' stems and lookups (about a millisecond)
 * on the thread that answers every request, so a long query (a pasted abstract, a flood of random
 * words) gets no suggestion, and a query at most this many words looked at.
 */
const longestQueryCorrected = 300;
const mostWordsLookedAt = 3;

/**
 * The query with each word that few or no papers hold replaced by the word one letter away (a
 * letter added, dropped, changed, or two swapped: most typing slips) that far more papers hold,
 * or undefined when no word needs it or none has such a neighbour. Words are compared as the
 * lexical index holds them (termOf: stemmed), so "transfomers" finds "transformers" through the
 * stem papers hold; the rest of the query is kept as typed.
 */
export function spellingSuggestion(query: string, documentFrequency: (term: string) => number): string | undefined {
  if (query.length > longestQueryCorrected) return undefined;
  let changed = false;
  let lookedAt = 0;
  // Words of letters alone, lower-case after a first capital: acronyms and gene names (KRAS, TKIs)
  // are names, not slips.
  const suggested = query.replace(/(?<![\p{L}\p{N}])\p{L}\p{Ll}*(?![\p{L}\p{N}])/gu, (word) => {
    const lower = word.toLowerCase();
    if (lower.length < shortestWordCorrected || lower.length > longestWordCorrected || !/^[a-z]+$/.test(lower)) return word;
    const term = termOf(lower);
    const held = term === null ? Number.POSITIVE_INFINITY : documentFrequency(term);
    if (held > rareWordPapers || ++lookedAt > mostWordsLookedAt) return word;
    const least = Math.max(leastPapers, commonerBy * held);
    let best: { word: string; frequency: number } | undefined;
    for (const { candidate, likelihood } of oneLetterAway(lower)) {
      const candidateTerm = candidate.length < shortestWordCorrected - 1 ? null : termOf(candidate);
      const held = candidateTerm === null || !isWordOfStem(candidate, candidateTerm) ? 0 : documentFrequency(candidateTerm);
      if (held < least) continue;
      const frequency = held * likelihood;
      if (!best || frequency > best.frequency || (frequency === best.frequency && candidate < best.word)) {
        best = { word: candidate, frequency };
      }
    }
    if (!best) return word;
    changed = true;
    return word[0] === word[0]!.toUpperCase() ? best.word[0]!.toUpperCase() + best.word.slice(1) : best.word;
  });
  return changed ? suggested : undefined;
}

/** Endings English puts after the stems Porter leaves (transform-er, diffus-ion, studi-es). */
const wordEndings = new Set([
  '',
  ...'s es e ed ing er ers ion ions ation ations al ally ly y ity ities ment ments ness ive ize ized ization ate ated ic ical ous ance ence ant ent able ible ism ist ists'.split(
    ' ',
  ),
]);

/** Endings before which English doubles a stem's last consonant (splat-t-ing, map-p-ed, model-l-er). */
const doublingEndings = new Set(['ing', 'ed', 'er', 'ers']);

/**
 * Whether `word` reads as its stem and an English ending: Porter folds some strings that are no
 * word onto a common stem ("trafficcing" onto "traffic"), which must not be offered as the word meant.
 * Porter also undoes the two spelling rules English applies before an ending starting with a
 * vowel, so the word must spell its stem with them: a silent final e dropped ("scaling" is
 * "scale", "scaleing" no word) and the last consonant doubled after a single vowel ("splatting"
 * is "splat", "mapping" "map"; never c, h, j, q, w, x or y, which English does not double:
 * "trafficcing" stays out).
 */
function isWordOfStem(word: string, stem: string): boolean {
  const endingAfter = (base: string) => (word.startsWith(base) ? word.slice(base.length) : undefined);
  if (/[^aeiou]e$/.test(stem)) {
    const afterStem = endingAfter(stem);
    const afterStemWithoutE = endingAfter(stem.slice(0, -1));
    return (
      (afterStem !== undefined && wordEndings.has(afterStem) && !startsWithVowel.test(afterStem)) ||
      (afterStemWithoutE !== undefined && wordEndings.has(afterStemWithoutE) && startsWithVowel.test(afterStemWithoutE))
    );
  }
  const afterStem = endingAfter(stem);
  if (afterStem !== undefined && wordEndings.has(afterStem)) return true;
  const afterDoubled = endingAfter(stem + stem.at(-1));
  return doubledLastConsonant.test(stem) && afterDoubled !== undefined && doublingEndings.has(afterDoubled);
}

const startsWithVowel = /^[aeiouy]/;
/** A stem ending consonant, single vowel, consonant (not c, h, j, q, w, x or y): the ones English doubles. */
const doubledLastConsonant = /(?:^|[^aeiou])[aeiou][bdfgklmnprstvz]$/;

/**
 * How much likelier a slip is to type a doubled letter once, or a letter twice ("compresion",
 * "occured"), than to change one: the commonest misspelling in English. Weighed against how many
 * papers hold each word one letter away, "compresion" is "compression" (3,014 of 74,728 arXiv
 * papers), not the non-word "comprision", whose stem "compris" 3,393 hold. On 3,000 one-letter
 * slips of arXiv title words (scripts/eval/spelling-slips.ts), as many came back as meant with it
 * as without (2,699 against 2,698; 67 against 68 as another word), with slips of each kind drawn
 * alike: typists drop doubled letters more often than that.
 */
const doubledLetterSlipLikelihood = 3;

/**
 * Every word one deletion, swap of neighbours, change or insertion of a letter from `word`, its
 * first letter kept (a slip rarely hits it, and changing it makes another word: "folic", "polic"),
 * with how likely such a slip is.
 */
function* oneLetterAway(word: string): Generator<{ candidate: string; likelihood: number }> {
  for (let i = 1; i <= word.length; i++) {
    const before = word.slice(0, i);
    const after = word.slice(i);
    if (after.length > 0) yield { candidate: before + after.slice(1), likelihood: after[0] === before.at(-1) ? doubledLetterSlipLikelihood : 1 };
    if (after.length > 1) yield { candidate: before + after[1] + after[0] + after.slice(2), likelihood: 1 };
    for (const letter of letters) {
      if (after.length > 0 && letter !== after[0]) yield { candidate: before + letter + after.slice(1), likelihood: 1 };
      yield { candidate: before + letter + after, likelihood: letter === before.at(-1) || letter === after[0] ? doubledLetterSlipLikelihood : 1 };
    }
  }
}
