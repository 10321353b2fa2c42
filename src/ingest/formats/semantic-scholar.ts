import { AppError } from '../../errors.js';
import type { Input } from '../input-files.js';
import type { RawRecord } from '../record-readers.js';
import { convertJsonLines, definedTexts, isObject, readInputJsonLines, readInputLines, text } from './json-lines.js';
import { publishedVenue } from '../../papers/preprint-servers.js';
import { referenceType } from './reference-type.js';
import { publicationTypeOf, type PublicationType } from '../../papers/publication-type.js';

/**
 * Semantic Scholar's `papers` dataset (JSON lines, a file or a folder of parts), joined on
 * corpusid to its `abstracts` dataset when one is given. The join keeps in memory only the
 * abstracts of the papers being read: a first pass collects the papers' corpus ids, a second
 * keeps the matching abstracts, a third yields the records. Memory therefore grows with the
 * papers input (about 2 KB per paper with an abstract), not with the abstracts dataset.
 */
export async function* readSemanticScholar(papers: Input, abstracts: Input | undefined): AsyncGenerator<RawRecord> {
  const abstractOf = abstracts ? await abstractsOfPapers(papers, abstracts) : new Map<number, string>();
  yield* convertJsonLines(readInputJsonLines(papers), (value, position) => {
    const record = semanticScholarPaperToRecord(value, abstractOf);
    const id = isObject(record) ? record.id : undefined;
    return [{ position: typeof id === 'string' ? `${position} (${id})` : position, value: record }];
  });
}

export function isSemanticScholarPaper(value: Record<string, unknown>): boolean {
  return ('corpusid' in value || 'corpusId' in value) && 'title' in value;
}

/** A line of the abstracts dataset rather than the papers one. */
export function isSemanticScholarAbstract(value: Record<string, unknown>): boolean {
  return ('corpusid' in value || 'corpusId' in value) && 'abstract' in value && !('title' in value);
}

/** The record's own corpus id comes first on each line of both datasets; the nested CorpusId of externalids is a string. */
const corpusIdOnLine = /"corpus[iI]d"\s*:\s*(\d+)/;

async function abstractsOfPapers(papers: Input, abstracts: Input): Promise<Map<number, string>> {
  const wanted = new Set<number>();
  for await (const line of readInputLines(papers)) {
    const id = corpusIdOnLine.exec(line)?.[1];
    if (id) wanted.add(Number(id));
  }
  const found = new Map<number, string>();
  let lineNumber = 0;
  for await (const line of readInputLines(abstracts)) {
    lineNumber++;
    const id = corpusIdOnLine.exec(line)?.[1];
    if (!id || !wanted.has(Number(id))) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new AppError('input_malformed', `${abstracts.path}: line ${lineNumber} (corpusid ${id}) is not JSON: ${(error as Error).message}`);
    }
    const abstract = isObject(value) ? text(value.abstract) : undefined;
    if (abstract) found.set(Number(id), abstract);
  }
  return found;
}

/** One papers-dataset line (or a Graph API paper, camelCase) as a record in the canonical field names. */
export function semanticScholarPaperToRecord(value: unknown, abstractOf: ReadonlyMap<number, string>): unknown {
  if (!isObject(value)) return value;
  const record: Record<string, unknown> = {};
  const corpusId = value.corpusid ?? value.corpusId;
  if (typeof corpusId === 'number' || (typeof corpusId === 'string' && /^\d+$/.test(corpusId))) {
    record.id = `CorpusId:${corpusId}`;
    const abstract = abstractOf.get(Number(corpusId));
    if (abstract) record.abstract = abstract;
  } else if (text(value.paperId)) {
    record.id = text(value.paperId);
  }
  const inlineAbstract = text(value.abstract);
  if (inlineAbstract) record.abstract = inlineAbstract;
  const title = text(value.title);
  if (title) record.title = title.replace(/\s+/g, ' ');
  const authors = (Array.isArray(value.authors) ? value.authors : [])
    .map((author) => (isObject(author) ? text(author.name) : undefined))
    .filter((name): name is string => name !== undefined);
  if (authors.length > 0) record.authors = authors;
  const date = text(value.publicationdate) ?? text(value.publicationDate);
  if (date) record.date = date;
  // Semantic Scholar's year is often the venue's and its date the first appearance (BERT: 2019,
  // 2018-10-11), which the paper would refuse as a contradiction: the date wins, as in the BibTeX
  // reader (biber's rule), and the year it gives is kept only when it agrees.
  if (typeof value.year === 'number' && (date === undefined || date.slice(0, 4) === String(value.year))) record.year = value.year;
  const externalIds = value.externalids ?? value.externalIds;
  if (isObject(externalIds)) {
    const doi = text(externalIds.DOI);
    if (doi) record.doi = doi;
    const arxivId = text(externalIds.ArXiv);
    if (arxivId) record.arxiv_id = arxivId;
  }
  const categories = fieldsOfStudy(value);
  if (categories.length > 0) record.categories = categories;
  const url = text(value.url);
  if (url) record.url = url;
  Object.assign(record, paperVenue(value));
  const type = paperType(value, record);
  if (type) record.type = type;
  return record;
}

/**
 * The first of S2's publication types that names a kind, a conference before a journal (S2 lists
 * both for many proceedings papers); a paper with no venue but its journal "ArXiv" is a preprint.
 */
function paperType(value: Record<string, unknown>, record: Record<string, unknown>): PublicationType | undefined {
  const types = value.publicationtypes ?? value.publicationTypes;
  const listed = (Array.isArray(types) ? types : []).filter((name): name is string => typeof name === 'string');
  const named = listed.includes('Conference') ? 'Conference' : listed.find((name) => publicationTypeOf(name) !== undefined);
  const journal = isObject(value.journal) ? value.journal : {};
  const namedVenue = text(record.venue) ?? text(journal.name) ?? text(value.venue);
  return referenceType(named === undefined ? undefined : publicationTypeOf(named), { namedVenue, arxivId: text(record.arxiv_id) });
}

/**
 * The journal's name, volume and pages, else `venue` (S2's name for the journal or conference);
 * a preprint server is skipped (a conference paper on arXiv has the journal "ArXiv").
 */
function paperVenue(value: Record<string, unknown>): Record<string, string> {
  const journal = isObject(value.journal) ? value.journal : {};
  const journalName = publishedVenue(text(journal.name));
  if (journalName) return definedTexts({ venue: journalName, volume: text(journal.volume), pages: text(journal.pages) });
  const venue = publishedVenue(text(value.venue));
  return venue ? { venue } : {};
}

/** s2fieldsofstudy lists a field once per source (external, s2-fos-model); each name is kept once. */
function fieldsOfStudy(value: Record<string, unknown>): string[] {
  const tagged = value.s2fieldsofstudy ?? value.s2FieldsOfStudy;
  const names = Array.isArray(tagged)
    ? tagged.map((field) => (isObject(field) ? text(field.category) : undefined))
    : Array.isArray(value.fieldsOfStudy)
      ? value.fieldsOfStudy.map(text)
      : [];
  return [...new Set(names.filter((name): name is string => name !== undefined))];
}
