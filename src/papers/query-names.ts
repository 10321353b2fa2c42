/** A new-style (2503.11731) or old-style (hep-th/9901001) arXiv id, with an optional version. */
const arxivId = /^(?:arxiv:\s*)?(\d{4}\.\d{4,5}(?:v\d+)?|[a-z-]+(?:\.[a-z]{2})?\/\d{7}(?:v\d+)?)$/i;
const doi = /^(?:doi:\s*)?(10\.\d{4,9}\/\S+)$/i;
const link = /^(?:https?:\/\/)?(?:(?:dx\.)?doi\.org\/10\.\S+|(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf)\/\S+)$/i;

/**
 * The name the API looks a paper up by (`arxiv:…`, `doi:…`, or the link itself) when a whole query
 * is an arXiv id, a DOI or a link to either, as people paste them; undefined for any other query.
 * A bare id needs the prefix: to the API it could be a paper's own id. Searches answer with the
 * paper such a query names (named_paper).
 */
export function paperNameOfQuery(query: string): string | undefined {
  const text = query.trim();
  if (link.test(text)) return text;
  const arxiv = arxivId.exec(text)?.[1];
  if (arxiv !== undefined) return `arxiv:${arxiv}`;
  const named = doi.exec(text)?.[1];
  return named === undefined ? undefined : `doi:${named}`;
}
