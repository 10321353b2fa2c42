import { arxivAbstractUrl, doiUrl } from '../../src/papers/paper-urls.js';

/** Where a paper can be read: arXiv, its DOI, its own URL (those its record has). */
export function paperLinks(paper: { arxiv_id?: string; doi?: string; url?: string }): { label: string; href: string }[] {
  const links: { label: string; href: string }[] = [];
  if (paper.arxiv_id) links.push({ label: 'arXiv', href: arxivAbstractUrl(paper.arxiv_id) });
  if (paper.doi) links.push({ label: 'DOI', href: doiUrl(paper.doi) });
  if (paper.url && !links.some((link) => link.href === paper.url) && /^https?:\/\//.test(paper.url)) links.push({ label: 'Link', href: paper.url });
  return links;
}
