import type { Input } from '../input-files.js';
import type { RawRecord } from '../record-readers.js';
import { arxivIdFromDoi, arxivIdFromUrl } from '../../papers/identifiers.js';
import { convertJsonLines, definedTexts, isObject, readInputJsonLines, text } from './json-lines.js';
import { htmlToText } from './markup-text.js';
import { pagesFrom } from '../../papers/page-range.js';
import { publishedVenue } from '../../papers/preprint-servers.js';
import { publicationTypeOf, type PublicationType } from '../../papers/publication-type.js';

/**
 * OpenAlex works as JSON lines: the snapshot's works/…/part_NNN.gz files (a folder of them is
 * read in name order), or saved API pages ({"meta", "results": [...]}, one per line).
 */
export async function* readOpenAlex(input: Input): AsyncGenerator<RawRecord> {
  yield* convertJsonLines(readInputJsonLines(input), (value, position) => {
    if (isObject(value) && Array.isArray(value.results)) {
      return value.results.map((work, i) => workRecord(work, `${position} result ${i + 1}`));
    }
    return [workRecord(value, position)];
  });
}

function workRecord(work: unknown, position: string): RawRecord {
  const record = openAlexWorkToRecord(work);
  const id = isObject(record) ? record.id : undefined;
  return { position: typeof id === 'string' ? `${position} (${id})` : position, value: record };
}

export function isOpenAlexRecord(value: Record<string, unknown>): boolean {
  return (
    'abstract_inverted_index' in value ||
    'authorships' in value ||
    (typeof value.id === 'string' && value.id.startsWith('https://openalex.org/')) ||
    (Array.isArray(value.results) && isObject(value.meta))
  );
}

/**
 * Concepts (OpenAlex's older classification, still on older snapshots) at or above this score
 * become categories; OpenAlex itself tags a work with a concept from 0.3, which lists many
 * marginal ones.
 */
const conceptScoreThreshold = 0.5;

/** One Work object as a record in the canonical field names; anything but an object passes through. */
export function openAlexWorkToRecord(work: unknown): unknown {
  if (!isObject(work)) return work;
  const record: Record<string, unknown> = {};
  const id = text(work.id)?.replace(/^https:\/\/openalex\.org\//, '');
  if (id) record.id = id;
  const title = text(work.title) ?? text(work.display_name);
  if (title) record.title = htmlToText(title);
  const abstract = abstractFromInvertedIndex(work.abstract_inverted_index);
  if (abstract) record.abstract = htmlToText(abstract);
  const authors = (Array.isArray(work.authorships) ? work.authorships : [])
    .map((authorship) =>
      isObject(authorship) ? (text(isObject(authorship.author) ? authorship.author.display_name : undefined) ?? text(authorship.raw_author_name)) : undefined,
    )
    .filter((name): name is string => name !== undefined);
  if (authors.length > 0) record.authors = authors;
  const categories = workCategories(work);
  if (categories.length > 0) record.categories = categories;
  if (typeof work.publication_year === 'number') record.year = work.publication_year;
  const date = text(work.publication_date);
  if (date) record.date = date;
  const ids = isObject(work.ids) ? work.ids : {};
  const doi = text(work.doi) ?? text(ids.doi);
  if (doi) record.doi = doi;
  const landingPages = workUrls(work);
  const arxivId = arxivIdFromText(text(ids.arxiv)) ?? arxivIdFromDoi(doi) ?? landingPages.map(arxivIdFromUrl).find(Boolean);
  if (arxivId) record.arxiv_id = arxivId;
  const url = landingPages[0] ?? text(work.id);
  if (url) record.url = url;
  Object.assign(record, workVenue(work));
  const type = workType(work);
  if (type) record.type = type;
  return record;
}

/** The source of the primary location (host_venue in older snapshots). */
function primarySource(work: Record<string, unknown>): Record<string, unknown> {
  const location = isObject(work.primary_location) ? work.primary_location : {};
  return isObject(location.source) ? location.source : isObject(work.host_venue) ? work.host_venue : {};
}

/**
 * Crossref's type where OpenAlex gives it (it tells proceedings from journal articles), else
 * OpenAlex's own; an article whose primary source is a repository is a preprint, and one whose
 * source is a conference a conference paper.
 */
function workType(work: Record<string, unknown>): PublicationType | undefined {
  const named = publicationTypeOf(text(work.type_crossref) ?? '') ?? publicationTypeOf(text(work.type) ?? '');
  if (named !== 'journal-article') return named;
  const sourceType = primarySource(work).type;
  return sourceType === 'repository' ? 'preprint' : sourceType === 'conference' ? 'conference-paper' : named;
}

/**
 * The primary source's name, and biblio's volume, issue and pages; none for a work whose primary
 * location is a repository (a preprint server).
 */
function workVenue(work: Record<string, unknown>): Record<string, string> {
  const source = primarySource(work);
  const venue = source.type === 'repository' ? undefined : publishedVenue(text(source.display_name));
  if (venue === undefined) return {};
  const biblio = isObject(work.biblio) ? work.biblio : {};
  const pages = pagesFrom(text(biblio.first_page), text(biblio.last_page));
  return definedTexts({ venue, volume: text(biblio.volume), issue: text(biblio.issue), pages });
}

function arxivIdFromText(value: string | undefined): string | undefined {
  return value === undefined ? undefined : (arxivIdFromUrl(value) ?? value.replace(/^arxiv:/i, ''));
}

/**
 * The abstract from OpenAlex's inverted index ({word: [positions]}): every (position, word) pair
 * sorted by position. A position claimed twice keeps the first word listed; missing positions
 * are skipped; positions that are not whole numbers are ignored.
 */
export function abstractFromInvertedIndex(index: unknown): string | undefined {
  if (!isObject(index)) return undefined;
  const pairs: [number, string][] = [];
  for (const [word, positions] of Object.entries(index)) {
    if (!Array.isArray(positions)) continue;
    for (const position of positions) {
      if (Number.isInteger(position) && position >= 0) pairs.push([position as number, word]);
    }
  }
  // Array.prototype.sort is stable, so among equal positions the first listed stays first.
  pairs.sort((a, b) => a[0] - b[0]);
  const words: string[] = [];
  let previous = -1;
  for (const [position, word] of pairs) {
    if (position === previous) continue;
    previous = position;
    words.push(word);
  }
  const abstract = words.join(' ').replace(/\s+/g, ' ').trim();
  return abstract.length > 0 ? abstract : undefined;
}

/**
 * The primary topic's field, subfield and topic names (e.g. "Computer Science", "Artificial
 * Intelligence", "Topic Modeling"), so a filter can pick any level; works without a topic fall
 * back to concepts scored at least conceptScoreThreshold.
 */
function workCategories(work: Record<string, unknown>): string[] {
  const topic = isObject(work.primary_topic) ? work.primary_topic : undefined;
  if (topic) {
    const names = [topic.field, topic.subfield].map((level) => (isObject(level) ? text(level.display_name) : undefined));
    names.push(text(topic.display_name));
    return [...new Set(names.filter((name): name is string => name !== undefined))];
  }
  const concepts = Array.isArray(work.concepts) ? work.concepts : [];
  return [
    ...new Set(
      concepts
        .filter((concept) => isObject(concept) && typeof concept.score === 'number' && concept.score >= conceptScoreThreshold)
        .map((concept) => text((concept as Record<string, unknown>).display_name))
        .filter((name): name is string => name !== undefined),
    ),
  ];
}

/** Landing pages and PDF links of the work's locations, primary first. */
function workUrls(work: Record<string, unknown>): string[] {
  const locations = [work.primary_location, work.best_oa_location, ...(Array.isArray(work.locations) ? work.locations : [])];
  // A Set, in insertion order: a list searched for each URL was quadratic in a work's locations.
  const urls = new Set<string>();
  for (const location of locations) {
    if (!isObject(location)) continue;
    for (const url of [text(location.landing_page_url), text(location.pdf_url)]) if (url) urls.add(url);
  }
  return [...urls];
}
