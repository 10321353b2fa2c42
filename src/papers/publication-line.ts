// Pure string code, without Node's modules: the search page uses it too.

/**
 * What a paper is and where it was published, in one line ("Journal article, Nature, vol. 521,
 * no. 7553, pp. 436-444", "Preprint"); undefined when the paper says neither. A type of "other"
 * is not named: it says nothing a reader could use.
 */
export function publicationLine(paper: {
  type?: string | undefined;
  venue?: string | undefined;
  volume?: string | undefined;
  issue?: string | undefined;
  pages?: string | undefined;
}): string | undefined {
  const kind = paper.type && paper.type !== 'other' ? `${paper.type[0]!.toUpperCase()}${paper.type.slice(1).replaceAll('-', ' ')}` : undefined;
  const where = paper.venue
    ? [paper.venue, paper.volume && `vol. ${paper.volume}`, paper.issue && `no. ${paper.issue}`, paper.pages && `pp. ${paper.pages}`]
    : [];
  const parts = [kind, ...where].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : undefined;
}
