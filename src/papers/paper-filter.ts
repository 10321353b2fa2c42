import { plainLetters } from '../shared/unicode.js';
import { uprightedAuthorName } from './author-names.js';
import type { Paper } from './paper.js';

/** Conditions on stored metadata; every condition given must hold. */
export interface PaperFilter {
  /** Inclusive and exclusive bounds on the paper's year (its `year`, or the year of its date). */
  year?: { gte?: number; lte?: number; gt?: number; lt?: number };
  /** At least one of `any`, and every one of `all`. */
  categories?: { any?: readonly string[]; all?: readonly string[] };
  /** At least one of these authors (case, accents and spacing ignored: see normalizeAuthorName; "Last, First" read as "First Last"). */
  authors?: { any?: readonly string[] };
  /** Papers never to return, by id (or doi:/arxiv: name). */
  exclude_ids?: readonly string[];
}

/**
 * The metadata conditions of a filter (everything but `exclude_ids`, which names papers rather
 * than describing them) as a predicate on a paper; undefined when they ask for nothing, so
 * unfiltered searches pay nothing. Storage backends evaluate it inside their searches, so a
 * filtered query still returns k papers when k match.
 */
export function paperMatcher(filter: PaperFilter | undefined): ((paper: Paper) => boolean) | undefined {
  if (!filter) return undefined;
  const checks: ((paper: Paper) => boolean)[] = [];
  const { year, categories, authors } = filter;
  if (year && Object.values(year).some((bound) => bound !== undefined)) {
    checks.push(({ year: value }) => {
      if (value === undefined) return false;
      return (
        (year.gte === undefined || value >= year.gte) &&
        (year.lte === undefined || value <= year.lte) &&
        (year.gt === undefined || value > year.gt) &&
        (year.lt === undefined || value < year.lt)
      );
    });
  }
  if (categories?.any && categories.any.length > 0) {
    const wanted = new Set(categories.any);
    checks.push((paper) => paper.categories?.some((category) => wanted.has(category)) ?? false);
  }
  if (categories?.all && categories.all.length > 0) {
    const required = categories.all;
    checks.push((paper) => required.every((category) => paper.categories?.includes(category) ?? false));
  }
  if (authors?.any && authors.any.length > 0) {
    const wanted = new Set(wantedAuthorNames(authors.any).map(normalizeAuthorName));
    checks.push((paper) => paper.authors?.some((author) => wanted.has(normalizeAuthorName(author))) ?? false);
  }
  if (checks.length === 0) return undefined;
  return (paper) => checks.every((check) => check(paper));
}

/**
 * The names an authors filter asks for, upright: reference managers write "Timofte, Radu", and the
 * papers hold their authors as "Radu Timofte" (their writes turn such names around too).
 */
export function wantedAuthorNames(names: readonly string[]): string[] {
  return names.map(uprightedAuthorName);
}

/**
 * How author names are compared: as people type them, the way scholarly search engines match
 * names. Compatibility forms are unified (ligatures, full-width letters), accents and other
 * marks dropped (Müller and Muller, İnan and Inan, Łukasz and Lukasz), case folded in full (ß
 * as ss), typographic apostrophes and dashes made plain, white space folded, and a suffix (Jr.,
 * Sr., II to IV) read with or without the comma and period around it.
 */
export function normalizeAuthorName(name: string): string {
  // Combining diacritical marks only: marks of other scripts (Devanagari vowel signs, the kana
  // voicing marks) are part of the letter, and dropping them would make other names of these.
  return (
    plainLetters(name.normalize('NFKD').replace(/[\u0300-\u036f]/g, ''))
      .replace(/[\u2018\u2019\u02bc\u0060\u00b4]/g, "'")
      .replace(/[\u2010-\u2015\u2212]/g, '-')
      .normalize('NFC')
      .trim()
      .replace(/\s+/g, ' ')
      // A suffix comes with a comma before it or not ("Paul Martin, Jr." as JSON and CSV inputs read
      // "Martin, Paul, Jr.", "Paul Martin Jr." as the BibTeX, RIS and CSL-JSON readers write it).
      .replace(/,? (jr|sr|ii|iii|iv)\.?$/, ' $1')
  );
}

/**
 * The key an author name was stored under before names were folded for accents and in full case
 * (Unicode compatibility form, white space folded, lower case): Weaviate collections written then
 * hold it, so their filters look for both.
 */
export function caseFoldedAuthorName(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}
