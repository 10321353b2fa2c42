import { publicationTypeOf, type PublicationType } from '../../papers/publication-type.js';
import { isPreprintServer } from './preprint-servers.js';

/** What a reference says about being a preprint, besides the type its format names. */
export interface PreprintEvidence {
  /** The venue as the format names it, a preprint server included. */
  namedVenue: string | undefined;
  arxivId: string | undefined;
}

/**
 * The type of a reference from a reference manager or catalogue: the kind its format names
 * (`@inproceedings`, `TY  - CONF`, "JournalArticle"), corrected for how preprints are written.
 * A journal article (or an entry of no known type) whose journal is a preprint server, as Google
 * Scholar writes `journal = {arXiv preprint arXiv:…}`, is a preprint; so is a generic entry
 * (`@misc`, `GEN`) of an arXiv paper with no venue, as arXiv's own BibTeX is.
 */
export function referenceType(formatName: string | undefined, { namedVenue, arxivId }: PreprintEvidence): PublicationType | undefined {
  const named = formatName === undefined ? undefined : publicationTypeOf(formatName);
  const onPreprintServer = namedVenue !== undefined && isPreprintServer(namedVenue);
  if (onPreprintServer && (named === undefined || named === 'journal-article' || named === 'other')) return 'preprint';
  if (named === 'other' && arxivId !== undefined && namedVenue === undefined) return 'preprint';
  return named;
}
