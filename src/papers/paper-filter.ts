import type { Paper } from './paper.js';

/** Conditions on stored metadata; every condition given must hold. */
export interface PaperFilter {
  /** Inclusive and exclusive bounds on the paper's year (its `year`, or the year of its date). */
  year?: { gte?: number; lte?: number; gt?: number; lt?: number };
  /** At least one of `any`, and every one of `all`. */
  categories?: { any?: readonly string[]; all?: readonly string[] };
  /** At least one of these authors (case-insensitive, white space folded). */
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
    const wanted = new Set(authors.any.map(normalizeAuthorName));
    checks.push((paper) => paper.authors?.some((author) => wanted.has(normalizeAuthorName(author))) ?? false);
  }
  if (checks.length === 0) return undefined;
  return (paper) => checks.every((check) => check(paper));
}

/** How author names are compared: Unicode-normalized, white space folded, case ignored. */
export function normalizeAuthorName(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}
