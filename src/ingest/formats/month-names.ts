/** The months as reference formats abbreviate them (BibTeX's macros, RIS's and CSV's written dates). */
export const monthNames = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] as const;

const monthName = /(?<![a-z])(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/i;

/** The number (1–12) of the first month named in `text` ("June 2019", "15 Sept."), or undefined. */
export function monthNamedIn(text: string): number | undefined {
  const name = monthName.exec(text)?.[1]?.toLowerCase();
  return name === undefined ? undefined : monthNames.indexOf(name as (typeof monthNames)[number]) + 1;
}
