// Pure string code, without Node's modules: the search page uses it too.

/**
 * The doi.org link of a DOI. A DOI's suffix may hold any printable character, `#`, `?` and `<`
 * included, so it is percent-encoded (its slashes kept, as doi.org shows them): left raw, a `#`
 * would end the DOI and start a fragment, and doi.org would be asked for another DOI.
 */
export function doiUrl(doi: string): string {
  return `https://doi.org/${encodeURIComponent(doi).replace(/%2F/gi, '/')}`;
}

/** The arXiv abstract page of an arXiv id (an old-style id's slash kept). */
export function arxivAbstractUrl(id: string): string {
  return `https://arxiv.org/abs/${encodeURIComponent(id).replace(/%2F/gi, '/')}`;
}
