import { createHash } from 'node:crypto';
import { AppError } from '../errors.js';
import { arxivIdWithoutVersion, isBareDoi, normalizeDoi } from './paper.js';

/** New-style (2001.01234) and old-style (hep-th/9901001) arXiv ids, with an optional version. */
const arxivId = String.raw`(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?`;
const wholeArxivId = new RegExp(`^${arxivId}$`);
const arxivDoi = new RegExp(`^(?:https?://(?:dx\\.)?doi\\.org/)?10\\.48550/arxiv\\.${arxivId}$`, 'i');
// abs, pdf and html: arXiv serves each paper's HTML rendering at /html/<id>, and people copy that link too.
const arxivUrl = new RegExp(`arxiv\\.org/(?:abs|pdf|html)/${arxivId}`, 'i');
const arxivMention = new RegExp(`arxiv:\\s*${arxivId}`, 'i');

/** Prefixes of the names that stand for a paper's DOI or arXiv id wherever a paper id is taken (`doi:10.1/x`, `arxiv:2001.01234`). */
export const identifierNamePrefixes = ['doi:', 'arxiv:'] as const;

/** The DOI or arXiv id a `doi:` or `arxiv:` name stands for (the prefix in any case, as `DOI:10.1/x`), if it is one. */
function identifierOfName(name: string): { kind: 'doi' | 'arxiv'; value: string } | undefined {
  const prefix = identifierNamePrefixes.find((candidate) => name.slice(0, candidate.length).toLowerCase() === candidate);
  return prefix === undefined ? undefined : { kind: prefix === 'doi:' ? 'doi' : 'arxiv', value: name.slice(prefix.length) };
}

/** A DOI link (doi.org or dx.doi.org) and an arXiv abstract, PDF or HTML link, as people copy them from a browser (whose address bar may leave the scheme out). */
const doiLink = /^(?:https?:\/\/)?(?:dx\.)?doi\.org\/(10\.\S+)$/i;
const arxivLink = new RegExp(`^(?:https?://)?(?:www\\.|export\\.)?arxiv\\.org/(?:abs|pdf|html)/${arxivId}(?:\\.pdf)?/?$`, 'i');

/** The stored identifier a lookup compares with: a paper's normalized DOI, or its arXiv id without version. */
export interface IdentifierKey {
  field: 'doi' | 'arxiv';
  key: string;
}

/**
 * The stored identifiers a name may stand for, in the order to try them (the first that names a
 * paper wins; a paper whose id is the name itself wins over all): a `doi:` or `arxiv:` name, or a
 * DOI or arXiv link. arXiv's own DOIs (10.48550/arXiv.<id>) are also tried as the arXiv id, as
 * papers read from arXiv carry that rather than the DOI. A bare DOI or arXiv id is not a name: it
 * may be a paper's own id.
 */
export function identifierKeysOfName(name: string): IdentifierKey[] {
  const arxivFromLink = arxivLink.exec(name);
  if (arxivFromLink) return [{ field: 'arxiv', key: arxivIdWithoutVersion(arxivFromLink[1]!) }];
  const named = identifierOfName(name) ?? (doiLink.test(name) ? { kind: 'doi' as const, value: name } : undefined);
  if (named?.kind === 'arxiv') return [{ field: 'arxiv', key: arxivIdWithoutVersion(named.value) }];
  if (named === undefined) return [];
  const doi = normalizeDoi(named.value);
  const arxivOfDoi = arxivIdFromDoi(doi);
  return arxivOfDoi === undefined
    ? [{ field: 'doi', key: doi }]
    : [
        { field: 'doi', key: doi },
        { field: 'arxiv', key: arxivIdWithoutVersion(arxivOfDoi) },
      ];
}

/** Whether `name` names a paper by its DOI or arXiv id (a `doi:` or `arxiv:` name, or a link) rather than being a plain paper id. */
export function isIdentifierName(name: string): boolean {
  return identifierKeysOfName(name).length > 0;
}

/**
 * The name a paper is looked up by (`arxiv:…`, `doi:…`, or the name or link itself) when a whole
 * search query is an arXiv id, a DOI or a link to either, as people paste them; undefined for any
 * other query. A bare id needs the prefix: as a name it could be a paper's own id. Full-width
 * forms, as Chinese and Japanese input methods type them and their documents hold them
 * ("arXiv：2503.11731", "２５０３．１１７３１"), read as the ASCII ones.
 */
export function paperNameOfQuery(query: string): string | undefined {
  const normalized = query.normalize('NFKC').trim();
  const hfPaper = huggingFacePaperLink.exec(normalized);
  const text = hfPaper ? `arxiv:${hfPaper[1]}${hfPaper[2] ?? ''}` : (arxivCitation.exec(normalized)?.[1] ?? normalized);
  if (isIdentifierName(text)) return text;
  const arxiv = normalizeArxivId(text);
  if (isArxivId(arxiv)) return `arxiv:${arxiv}`;
  return isBareDoi(text) ? `doi:${text}` : undefined;
}

/**
 * arXiv's own citation of a paper, as its abstract pages give it ("Cite as: arXiv:2503.11731
 * [cs.CV]") and as the stamp down the margin of its PDFs reads ("arXiv:2503.11731v1 [cs.CV] 14 Mar
 * 2025"): the id, then its primary category, then maybe the date; and Google Scholar's ("arXiv
 * preprint arXiv:2503.11731, 2025."), as a bibliography holds it. The first group is the id's name.
 */
const arxivCitation = new RegExp(
  `^(?:arxiv\\s+preprint\\s+)?(arxiv:\\s*${arxivId})(?:\\s+\\[[a-z-]+(?:\\.[a-z-]+)?\\](?:\\s+\\d{1,2}\\s+[a-z]{3}\\s+\\d{4})?|(?:,\\s*|\\s+)\\(?\\d{4}\\)?)?\\.?$`,
  'i',
);

/** A paper's page on Hugging Face, named by its arXiv id (https://huggingface.co/papers/2503.11731), as people share it. */
const huggingFacePaperLink = new RegExp(`^(?:https?://)?(?:www\\.)?huggingface\\.co/papers/${arxivId}/?$`, 'i');

const arxivCategory =
  /^(?:(?:cs|math|stat|physics|astro-ph|cond-mat|nlin|q-bio|q-fin|econ|eess)\.[A-Za-z-]+|gr-qc|hep-ex|hep-lat|hep-ph|hep-th|math-ph|nucl-ex|nucl-th|quant-ph|astro-ph|cond-mat)$/;

/**
 * An arXiv category: an archive with a subject class (cs.LG, math.OC, cond-mat.mes-hall), or one
 * of the archives that have none (hep-th, quant-ph).
 */
export function isArxivCategory(text: string): boolean {
  return arxivCategory.test(text);
}

/**
 * A record's own name for a paper as a plain paper id: a name that stands for its DOI or arXiv id
 * (`doi:10.1021/x`, a DOI link, `arXiv:2101.00001`: publishers' and Zotero's citation keys and
 * CSL ids) becomes that identifier (`10.1021/x`, `2101.00001`), which no lookup takes for a name;
 * any other is kept.
 */
export function plainPaperId(name: string): string {
  const [identifier] = identifierKeysOfName(name);
  if (identifier === undefined) return name;
  // With its version: a library may hold two versions of a preprint under two keys.
  return identifier.field === 'arxiv' ? normalizeArxivId(name) : identifier.key;
}

export function isArxivId(value: string): boolean {
  return wholeArxivId.test(value);
}

/**
 * An arXiv id as people paste it, bare: `arXiv:2101.00001`, an abs, pdf or html link, or arXiv's DOI
 * become `2101.00001` (with its version, if given). Anything else is returned trimmed, to be
 * refused by isArxivId.
 */
export function normalizeArxivId(value: string): string {
  const trimmed = value.trim();
  const bare = trimmed.replace(/^arxiv:\s*/i, '');
  return arxivIdFromUrl(bare) ?? arxivIdFromDoi(bare) ?? bare;
}

/** arXiv's own DOIs (10.48550/arXiv.<id>, since 2022) name the paper. */
export function arxivIdFromDoi(doi: string | undefined): string | undefined {
  const match = doi === undefined ? null : arxivDoi.exec(doi.trim());
  return match ? match[1] + (match[2] ?? '') : undefined;
}

export function arxivIdFromUrl(url: string | undefined): string | undefined {
  const match = url === undefined ? null : arxivUrl.exec(url);
  return match ? match[1] + (match[2] ?? '') : undefined;
}

/** "arXiv:2001.01234" in free text, as Google Scholar writes it in `journal`. */
export function arxivIdFromMention(text: string | undefined): string | undefined {
  const match = text === undefined ? null : arxivMention.exec(text);
  return match ? match[1] + (match[2] ?? '') : undefined;
}

/**
 * The id of a record exported without one of its own (a RIS record without ID, a BibTeX entry
 * without a citation key): its DOI as the paper stores it (bare, lower-case, whatever form the file
 * wrote it in), else `prefix` and a hash of its title and year; undefined with neither.
 */
export function unkeyedRecordId(
  prefix: string,
  { doi, title, year }: { doi?: string | undefined; title?: string | undefined; year?: number | undefined },
): string | undefined {
  if (doi) return normalizeDoi(doi);
  return title ? contentId(prefix, title, year) : undefined;
}

/**
 * An id made of a title and year: the same title and year always give the same id, so
 * re-importing a file replaces papers instead of duplicating them.
 */
function contentId(prefix: string, title: string, year: number | undefined): string {
  const normalized = `${title.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim()}|${year ?? ''}`;
  return `${prefix}-${createHash('sha256').update(normalized).digest('hex').slice(0, 16)}`;
}

/**
 * The 404 for names (ids, `doi:`/`arxiv:` identifiers) no stored paper answers to, with a `hint`
 * of what to do instead where one helps. Every route gives `details.ids`, all the unknown names;
 * when there is one, `details.id` names it too.
 */
export function paperNotFound(names: readonly string[], hint?: string): AppError {
  const listed = names.map((name) => `"${name}"`).join(', ');
  // A bare DOI is an id to the service (ids may look like DOIs): say how to name the paper by its DOI.
  const bareDoi = names.find(isBareDoi);
  const doiHint = bareDoi === undefined ? undefined : `To find a paper by its DOI, write doi:${bareDoi}.`;
  const hints = [hint, doiHint].filter(Boolean).join(' ');
  const message = `${names.length === 1 ? `No paper with id ${listed}` : `No papers with ids ${listed}`}.${hints ? ` ${hints}` : ''}`;
  return new AppError('paper_not_found', message, { details: names.length === 1 ? { id: names[0], ids: [...names] } : { ids: [...names] } });
}
