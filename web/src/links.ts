/** Where a paper can be read: arXiv, its DOI, its own URL (those its record has). */
export function paperLinks(paper: { arxiv_id?: string; doi?: string; url?: string }): { label: string; href: string }[] {
  const links: { label: string; href: string }[] = [];
  if (paper.arxiv_id) links.push({ label: 'arXiv', href: `https://arxiv.org/abs/${encodeURIComponent(paper.arxiv_id).replace(/%2F/g, '/')}` });
  // A DOI may hold `#` or `?`: raw, doi.org would be asked for another DOI (the server's links encode it the same way).
  if (paper.doi) links.push({ label: 'DOI', href: `https://doi.org/${encodeURIComponent(paper.doi).replace(/%2F/gi, '/')}` });
  if (paper.url && !links.some((link) => link.href === paper.url) && /^https?:\/\//.test(paper.url)) links.push({ label: 'Link', href: paper.url });
  return links;
}

export function authorsText(authors: readonly string[] | undefined, max = 4): string {
  if (!authors || authors.length === 0) return '';
  return authors.length <= max ? authors.join(', ') : `${authors.slice(0, max).join(', ')} et al.`;
}
