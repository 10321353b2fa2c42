/**
 * Preprint servers where a format puts a venue: Semantic Scholar's journal "ArXiv" (volume
 * "abs/1810.04805"), OpenAlex's source "arXiv (Cornell University)", Google Scholar's BibTeX
 * `journal = {arXiv preprint arXiv:1810.04805}`, DBLP's `journal = {CoRR}` (arXiv's Computing
 * Research Repository; written so, as CORR is also an orthopaedics journal). They say a paper is a
 * preprint, not where it was published, and the exports would call it a journal article.
 */
const preprintServer = /^(arxiv|biorxiv|medrxiv|chemrxiv|psyarxiv|socarxiv|techrxiv|engrxiv|ssrn|research square|preprints\.org|osf preprints)\b/i;

/** The venue a format names, unless it is a preprint server. */
export function publishedVenue(name: string | undefined): string | undefined {
  return name === undefined || isPreprintServer(name) ? undefined : name;
}

export function isPreprintServer(name: string): boolean {
  return preprintServer.test(name.trim()) || name.trim() === 'CoRR';
}
