// Pure string code, without Node's modules: the search page uses it too.

/** Where a paper was published, in one line ("Nature, vol. 521, no. 7553, pp. 436-444"); undefined without a venue. */
export function publicationLine(paper: {
  venue?: string | undefined;
  volume?: string | undefined;
  issue?: string | undefined;
  pages?: string | undefined;
}): string | undefined {
  if (!paper.venue) return undefined;
  return [paper.venue, paper.volume && `vol. ${paper.volume}`, paper.issue && `no. ${paper.issue}`, paper.pages && `pp. ${paper.pages}`]
    .filter(Boolean)
    .join(', ');
}
