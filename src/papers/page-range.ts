// Pages are stored as one text: "117-129" for a range (any dash written "-"), "e1002", "12".

/**
 * Pages as stored: one form for a range, whatever dash or run of dashes it was written with
 * ("117--129" in BibTeX, "117–129", and "117----129", a BibTeX range with its dashes doubled, which TeX reads as "117—-129").
 */
export function storedPages(pages: string): string {
  return pages.replace(/\s*[-–—]+\s*/g, '-');
}

/**
 * The first and last page of a range of two pages ("117-129", "S12-S15"); undefined for a page
 * alone or any other form ("e1002", "1-5, 7-9"), which the formats keep whole.
 */
export function pageRange(pages: string): [first: string, last: string] | undefined {
  const match = /^(\w*\d\w*)-(\w*\d\w*)$/.exec(pages);
  return match ? [match[1]!, match[2]!] : undefined;
}

/** The pages of a first and a last page given apart (RIS SP and EP, OpenAlex's biblio): one page when they are equal. */
export function pagesFrom(first: string | undefined, last: string | undefined): string | undefined {
  return first && last && last !== first ? `${first}-${last}` : first;
}
