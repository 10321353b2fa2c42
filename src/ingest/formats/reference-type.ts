import type { PublicationType } from '../../papers/publication-type.js';
import { isPreprintServer } from '../../papers/preprint-servers.js';

/** What a reference says about being a preprint, besides the type its format names. */
export interface PreprintEvidence {
  /** The venue (journal, proceedings, publisher) as the format names it, a preprint server included. */
  namedVenue: string | undefined;
  arxivId: string | undefined;
}

/**
 * The type of a reference from a reference manager or catalogue: the kind its format names
 * (`@inproceedings`, `TY  - CONF`, "JournalArticle", see publicationTypeOf), corrected for how
 * preprints are written. A journal article, a generic entry or an entry of no known type whose
 * journal or publisher is a preprint server is a preprint: Google Scholar writes `journal =
 * {arXiv preprint arXiv:…}`, Zotero `@misc{…, publisher = {bioRxiv}}`. So is a generic entry
 * (`@misc`, `GEN`) of an arXiv paper with no venue, as arXiv's own BibTeX is.
 */
export function referenceType(named: PublicationType | undefined, { namedVenue, arxivId }: PreprintEvidence): PublicationType | undefined {
  const onPreprintServer = namedVenue !== undefined && isPreprintServer(namedVenue);
  if (onPreprintServer && (named === undefined || named === 'journal-article' || named === 'other')) return 'preprint';
  if (named === 'other' && arxivId !== undefined && namedVenue === undefined) return 'preprint';
  return named;
}
