/**
 * The most a stored paper may hold, field by field: the write API's schema and ingestion's mapping
 * both enforce them, so every paper in an index could also have been written through the API
 * (and an exported paper edited and written back).
 */
export const paperLimits = {
  idCharacters: 512,
  titleCharacters: 2_000,
  abstractCharacters: 100_000,
  // Large collaborations sign with thousands (ATLAS and CMS papers list over 3,000 authors).
  authors: 10_000,
  authorCharacters: 512,
  // Their names in all: the longest list among 74,728 arXiv papers (3,303 names) has 41,524. Ten
  // thousand names of 512 characters (5 MB) took 450 ms to export as BibTeX, on the server's one
  // thread, for every list that held the paper.
  authorsCharacters: 200_000,
  categories: 100,
  categoryCharacters: 128,
  doiCharacters: 512,
  arxivIdCharacters: 64,
  urlCharacters: 2_048,
  venueCharacters: 1_000,
  /** Of a volume, an issue and pages each. */
  locatorCharacters: 64,
} as const;

/** The characters of a list's entries together (see authorsCharacters). */
export function charactersOf(entries: readonly string[]): number {
  return entries.reduce((sum, entry) => sum + entry.length, 0);
}
