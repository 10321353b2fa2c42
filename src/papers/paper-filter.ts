import type { Paper } from './paper.js';

/** Conditions on stored metadata; every condition given must hold. */
export interface PaperFilter {
  /** Inclusive and exclusive bounds on the paper's year (its `year`, or the year of its date). */
  year?: { gte?: number; lte?: number; gt?: number; lt?: number };
  /** At least one of `any`, and every one of `all`. */
  categories?: { any?: readonly string[]; all?: readonly string[] };
  /** At least one of these authors (case-insensitive, white space folded). */
  authors?: { any?: readonly string[] };
  exclude_ids?: readonly string[];
}

/**
 * Turns a filter into a predicate over index labels, evaluated inside the nearest-neighbour and
 * BM25 searches (so a filtered query still returns k papers when k match). Undefined when the
 * filter asks for nothing, so unfiltered searches pay nothing.
 */
export function compileFilter(
  filter: PaperFilter | undefined,
  paperOf: (label: number) => Paper,
  labelOf: (id: string) => number | undefined,
): ((label: number) => boolean) | undefined {
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
    const wanted = new Set(authors.any.map(normalizeName));
    checks.push((paper) => paper.authors?.some((author) => wanted.has(normalizeName(author))) ?? false);
  }
  const excluded = new Set((filter.exclude_ids ?? []).map(labelOf).filter((label): label is number => label !== undefined));
  if (checks.length === 0 && excluded.size === 0) return undefined;
  return (label) => !excluded.has(label) && checks.every((check) => check(paperOf(label)));
}

function normalizeName(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Both conditions (either may be absent). */
export function bothAccept(
  first: ((label: number) => boolean) | undefined,
  second: ((label: number) => boolean) | undefined,
): ((label: number) => boolean) | undefined {
  if (!first) return second;
  if (!second) return first;
  return (label) => first(label) && second(label);
}
