/**
 * What kind of publication a paper is. Reference managers, bibliographic formats and catalogues
 * each name these kinds their own way (BibTeX entry types, RIS `TY` codes, CSL and Crossref
 * types, Zotero item types, OpenAlex and Semantic Scholar types); a paper stores one of these
 * names, and each export writes its own format's name for it.
 */
export const publicationTypes = ['journal-article', 'conference-paper', 'book-chapter', 'book', 'thesis', 'report', 'preprint', 'dataset', 'other'] as const;

export type PublicationType = (typeof publicationTypes)[number];

/**
 * Other names of each kind, compared lower-cased with everything but letters dropped
 * ("journalArticle", "journal-article" and "JOUR" all read). A name listed nowhere is not a
 * kind the product knows: readers leave the paper's type out rather than guess.
 */
const otherNames: Record<PublicationType, readonly string[]> = {
  // BibTeX ("article" as BibTeX means it: CSL's "article" is a preprint, but CSL-JSON is not read);
  // RIS (electronic, full-journal and in-press codes too); CSL; Zotero; Crossref; OpenAlex
  // ("article" is a journal or proceedings article there, told apart by its source; letters,
  // editorials and errata are journal items too) and Semantic Scholar (a review is a journal article).
  'journal-article': ['article', 'jour', 'ejour', 'jfull', 'inpr', 'articlejournal', 'journalarticle', 'review', 'letter', 'editorial', 'erratum'],
  'conference-paper': ['inproceedings', 'conference', 'conf', 'cpaper', 'paperconference', 'conferencepaper', 'proceedingsarticle'],
  'book-chapter': ['incollection', 'inbook', 'chap', 'echap', 'chapter', 'booksection', 'bookchapter', 'bookpart'],
  book: ['mvbook', 'collection', 'proceedings', 'ebook', 'edbook', 'monograph', 'editedbook'],
  thesis: ['phdthesis', 'mastersthesis', 'thes', 'dissertation'],
  report: ['techreport', 'rprt'],
  // BibLaTeX and RIS call a work not (yet) published "unpublished" (RIS also "manuscript");
  // Crossref "posted content".
  preprint: ['unpublished', 'unpb', 'manscpt', 'postedcontent'],
  dataset: ['data'],
  // Catch-alls for works outside these kinds: software, web pages, manuals.
  other: ['misc', 'gen', 'online', 'electronic', 'www', 'elec', 'web', 'comp', 'software', 'manual', 'document', 'webpage', 'computerprogram'],
};

const typeByName = new Map<string, PublicationType>(
  publicationTypes.flatMap((type) => [type, ...otherNames[type]].map((name): [string, PublicationType] => [comparable(name), type])),
);

/** The kind a format or catalogue names `name`, or undefined for a name none of them uses. */
export function publicationTypeOf(name: string): PublicationType | undefined {
  return typeByName.get(comparable(name));
}

/**
 * Whether the venue of a paper of this type is its publisher (the university of a thesis, the
 * institution of a report, the house of a book, the repository of a dataset, whoever put out
 * another work) rather than the journal, proceedings or book it appears in: the formats keep the
 * two in different fields.
 */
export function venueIsPublisher(type: PublicationType): boolean {
  return type === 'thesis' || type === 'report' || type === 'book' || type === 'dataset' || type === 'other';
}

function comparable(name: string): string {
  return name.toLowerCase().replace(/[^a-z]/g, '');
}
