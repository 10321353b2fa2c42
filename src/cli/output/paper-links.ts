import { arxivAbstractUrl, doiUrl } from '../../papers/paper-urls.js';

/** Where a paper can be read: its arXiv page, its DOI, its own URL (those its record has). */
export function paperLinks(paper: { arxiv_id?: string | undefined; doi?: string | undefined; url?: string | undefined }): string[] {
  const links: string[] = [];
  if (paper.arxiv_id) links.push(arxivAbstractUrl(paper.arxiv_id));
  if (paper.doi) links.push(doiUrl(paper.doi));
  if (paper.url && !links.includes(paper.url)) links.push(paper.url);
  return links;
}
