import { Filters, type Filter, type FilterValue } from 'weaviate-client';
import { wantedAuthorNames, type PaperFilter } from '../../papers/paper-filter.js';
import { authorKeysToMatch, type PaperProperties } from './paper-object.js';

/**
 * A paper filter as Weaviate conditions (made with the collection's builder `f`), evaluated inside
 * the search. `excludedIds` are the papers the filter's exclude_ids name, as ids: the caller
 * resolves the names (they may be doi:/arxiv: names).
 */
export function paperConditions(f: Filter<PaperProperties>, filter: PaperFilter | undefined, excludedIds: readonly string[]): FilterValue | undefined {
  const conditions: FilterValue[] = [];
  const year = filter?.year;
  if (year?.gte !== undefined) conditions.push(f.byProperty('year').greaterOrEqual(year.gte));
  if (year?.lte !== undefined) conditions.push(f.byProperty('year').lessOrEqual(year.lte));
  if (year?.gt !== undefined) conditions.push(f.byProperty('year').greaterThan(year.gt));
  if (year?.lt !== undefined) conditions.push(f.byProperty('year').lessThan(year.lt));
  const { categories, authors } = filter ?? {};
  if (categories?.any && categories.any.length > 0) conditions.push(f.byProperty('categories').containsAny([...categories.any]));
  if (categories?.all && categories.all.length > 0) conditions.push(f.byProperty('categories').containsAll([...categories.all]));
  if (authors?.any && authors.any.length > 0) conditions.push(f.byProperty('author_keys').containsAny(authorKeysToMatch(wantedAuthorNames(authors.any))));
  if (excludedIds.length > 0) conditions.push(f.byProperty('paper_id').containsNone([...excludedIds]));
  if (conditions.length === 0) return undefined;
  return conditions.length === 1 ? conditions[0] : Filters.and(...conditions);
}
