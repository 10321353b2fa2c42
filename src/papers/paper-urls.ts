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

/** A page where a paper can be read: its arXiv page, its DOI's, or its own. */
export interface PaperPage {
  label: 'arXiv' | 'DOI' | 'Link';
  href: string;
}

/**
 * Where a paper can be read, those its record has, most lasting first: its arXiv page, its DOI,
 * its own URL (if a browser opens it: http or https). The command line, the search page and the
 * MCP tools all show these, in this order.
 */
export function paperPages(paper: { arxiv_id?: string | undefined; doi?: string | undefined; url?: string | undefined }): PaperPage[] {
  const pages: PaperPage[] = [];
  if (paper.arxiv_id) pages.push({ label: 'arXiv', href: arxivAbstractUrl(paper.arxiv_id) });
  if (paper.doi) pages.push({ label: 'DOI', href: doiUrl(paper.doi) });
  if (paper.url && /^https?:\/\//i.test(paper.url) && !pages.some((page) => page.href === paper.url)) pages.push({ label: 'Link', href: paper.url });
  return pages;
}
