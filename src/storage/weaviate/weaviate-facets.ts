import type { FilterValue } from 'weaviate-client';
import { authorDisplayName, topValues, type FacetCounts, type FacetFields, type FacetName } from '../../papers/paper-facets.js';
import { normalizeAuthorName } from '../../papers/paper-filter.js';
import type { Paper } from '../../papers/paper.js';
import { fromRecord, type PaperCollection } from './paper-object.js';

/** Distinct years a collection is grouped by at most (years span far fewer). */
const yearGroupLimit = 10_000;
/**
 * Values asked of Weaviate's top occurrences beyond the ones reported, so that values tied at the
 * cut are seen and ordered by value as the embedded backend orders them (ties beyond the margin
 * are Weaviate's pick).
 */
const tieMargin = 4;
/**
 * Values asked of each shard at least: Weaviate merges the shards' top lists, so a value just
 * outside one shard's list loses that shard's papers from its count. A deep list per shard keeps
 * the counts of the most frequent values exact unless values are very many and evenly spread.
 */
const shardWindow = 5_000;

/**
 * Counts facets over papers in hand (a ranked list's candidates, fetched by id): each paper once
 * per value, authors told apart by their normalized name and shown as first seen, as the embedded
 * backend counts them.
 */
export function countFacets(papers: readonly FacetFields[], fields: readonly FacetName[], limit: number): FacetCounts {
  const distribution: FacetCounts['distribution'] = {};
  const valuesOf: Record<FacetName, (paper: FacetFields) => string[]> = {
    year: (paper) => (paper.year === undefined ? [] : [String(paper.year)]),
    categories: (paper) => paper.categories ?? [],
    authors: (paper) => paper.authors ?? [],
  };
  for (const field of fields) {
    const display = new Map<string, string>();
    const counts = new Map<string, number>();
    for (const paper of papers) {
      const seen = new Set<string>();
      for (const value of valuesOf[field](paper)) {
        const key = field === 'authors' ? normalizeAuthorName(value) : value;
        if (key.length === 0 || seen.has(key)) continue;
        seen.add(key);
        if (!display.has(key)) display.set(key, field === 'authors' ? authorDisplayName(value) : value);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    const keys = [...counts.keys()];
    distribution[field] = topValues(
      keys.map((key) => display.get(key)!),
      keys.map((key) => counts.get(key)!),
      limit,
    );
  }
  const years = papers.flatMap((paper) => (paper.year === undefined ? [] : [paper.year]));
  const stats: FacetCounts['stats'] = years.length > 0 && fields.includes('year') ? { year: { min: Math.min(...years), max: Math.max(...years) } } : {};
  return { distribution, stats, papers: papers.length };
}

/**
 * Counts facets over every paper matching `filters`, inside Weaviate: papers per year by a
 * group-by, categories and authors by their top occurrences, the year's bounds by its metrics.
 * Authors are counted by their normalized key (as stored); each reported key is shown as one of
 * its papers writes it.
 */
export async function aggregateFacets(
  collection: PaperCollection,
  filters: FilterValue | undefined,
  fields: readonly FacetName[],
  limit: number,
): Promise<FacetCounts> {
  const metrics = collection.metrics;
  const [overall, years, categories, authors] = await Promise.all([
    collection.aggregate.overAll({ filters, returnMetrics: metrics.aggregate('year').integer(['minimum', 'maximum']) }),
    fields.includes('year') ? collection.aggregate.groupBy.overAll({ filters, groupBy: { property: 'year', limit: yearGroupLimit } }) : undefined,
    fields.includes('categories') ? topOccurrences(collection, filters, 'categories', limit) : undefined,
    fields.includes('authors') ? topOccurrences(collection, filters, 'author_keys', limit) : undefined,
  ]);
  const distribution: FacetCounts['distribution'] = {};
  if (years) {
    const grouped = years.filter((group) => group.groupedBy.value !== null && group.groupedBy.value !== undefined && group.totalCount > 0);
    distribution.year = topValues(
      grouped.map((group) => String(group.groupedBy.value)),
      grouped.map((group) => group.totalCount),
      limit,
    );
  }
  if (categories) distribution.categories = topValues(categories.values, categories.counts, limit);
  if (authors) {
    const top = topValues(authors.values, authors.counts, limit);
    const names = await authorNames(collection, Object.keys(top));
    distribution.authors = Object.fromEntries(Object.entries(top).map(([key, count]) => [names.get(key) ?? key, count]));
  }
  const year = overall.properties.year as { minimum?: number; maximum?: number } | undefined;
  const stats: FacetCounts['stats'] =
    fields.includes('year') && year?.minimum !== undefined && year.maximum !== undefined && overall.totalCount > 0
      ? { year: { min: year.minimum, max: year.maximum } }
      : {};
  return { distribution, stats, papers: overall.totalCount };
}

async function topOccurrences(
  collection: PaperCollection,
  filters: FilterValue | undefined,
  property: 'categories' | 'author_keys',
  limit: number,
): Promise<{ values: string[]; counts: number[] }> {
  const result = await collection.aggregate.overAll({
    filters,
    returnMetrics: collection.metrics.aggregate(property).text(['topOccurrencesValue', 'topOccurrencesOccurs'], Math.max(limit * tieMargin, shardWindow)),
  });
  const occurrences = (result.properties[property] as { topOccurrences?: { value?: string; occurs?: number }[] } | undefined)?.topOccurrences ?? [];
  const known = occurrences.filter((item) => item.value !== undefined && (item.occurs ?? 0) > 0);
  return { values: known.map((item) => item.value!), counts: known.map((item) => item.occurs!) };
}

/** How a paper holding each normalized author key writes that name (one small lookup per key, in parallel). */
async function authorNames(collection: PaperCollection, keys: readonly string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  await Promise.all(
    keys.map(async (key) => {
      const result = await collection.query.fetchObjects({
        filters: collection.filter.byProperty('author_keys').containsAny([key]),
        limit: 1,
        returnProperties: ['record'],
      });
      const record = result.objects[0]?.properties.record;
      const written = record === undefined ? undefined : (fromRecord(record) as Paper).authors?.find((name) => normalizeAuthorName(name) === key);
      if (written) names.set(key, authorDisplayName(written));
    }),
  );
  return names;
}
