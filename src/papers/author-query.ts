import { normalizeAuthorName } from './paper-filter.js';

/** An author of the collection a query names: their name as the collection writes it, and how many stored papers list them. */
export interface NamedAuthor {
  name: string;
  papers: number;
}

/**
 * A word of a person's name as people write one: a capital, then letters of any script, with the
 * hyphens, apostrophes and dots of names and initials, and the accents of text in decomposed form
 * (a name pasted from a PDF or a macOS file name: "E" and a combining acute for "É").
 */
const nameWord = /^\p{Lu}[\p{L}\p{M}'’.-]*$/u;

/**
 * The query, when it may be a person's name: two to four capitalised words of letters, or such
 * words around one comma as reference lists write names ("LeCun, Yann", read as the authors
 * filter reads it); undefined otherwise. Only such queries ask the collection for an author (on a
 * cluster, a query of its own), so the lower-case topic queries most searches are do not.
 */
export function authorNameOfQuery(query: string): string | undefined {
  const parts = query.split(',').map((part) => part.trim().split(/\s+/).filter(Boolean));
  const words = parts.flat();
  const named =
    parts.length <= 2 && parts.every((part) => part.length > 0) && words.length >= 2 && words.length <= 4 && words.every((word) => nameWord.test(word));
  return named ? parts.map((part) => part.join(' ')).join(', ') : undefined;
}

/**
 * The author a query names, as the collection writes the name, and the papers they have: the
 * most frequent of `counts` (papers per author of the papers the name filters to) that is the
 * same name as the query, compared as the API compares names (case, accents, dashes).
 */
export function authorNamed(query: string, counts: Record<string, number> | undefined): NamedAuthor | undefined {
  const wanted = normalizeAuthorName(query);
  const [match] = Object.entries(counts ?? {})
    .filter(([name]) => normalizeAuthorName(name) === wanted)
    .sort(([, a], [, b]) => b - a);
  return match && { name: match[0], papers: match[1] };
}
