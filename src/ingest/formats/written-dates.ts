import { isCalendarDate } from '../../papers/paper-record.js';
import { monthNamedIn } from './month-names.js';

/** A date as a reference file writes it, to the precision it gives. */
export interface DateParts {
  year: number;
  month?: number;
  day?: number;
}

/**
 * A date as reference tools write it in free text: "2019/06/15", "2019-06", "2019///" (RIS's
 * form, a year of five digits refused), or with the month's name ("June 2019", "15 Jun 2019",
 * "Jun 15, 2019", "2019 Jun 21": year and month). Undefined without a four-digit year.
 */
export function writtenDate(value: string): DateParts | undefined {
  const numeric = numericDate(value);
  // "2019 Jun 21" (PubMed's form, in RIS exports from it) starts with a year alone.
  if (numeric?.month !== undefined) return numeric;
  const written = writtenMonthDate(value);
  return written?.month !== undefined ? written : (numeric ?? written);
}

/** YYYY, YYYY-MM or YYYY-MM-DD, as precise as the parts. */
export function isoDateText({ year, month, day }: DateParts): string {
  const twoDigits = (n: number) => String(n).padStart(2, '0');
  return `${String(year).padStart(4, '0')}${month ? `-${twoDigits(month)}${day ? `-${twoDigits(day)}` : ''}` : ''}`;
}

/**
 * Each part whole (a range such as "1999-2000" is its first year, not 1999-20), and only as
 * precise as it is a real date: a month past 12 leaves the year, a day the month has not the month.
 */
function numericDate(value: string): DateParts | undefined {
  const match = /^(\d{4})(?!\d)(?:[/-](?:(\d{1,2})(?!\d))?(?:[/-](?:(\d{1,2})(?!\d))?)?)?/.exec(value.trim());
  if (!match) return undefined;
  const [, yearText, monthText, dayText] = match;
  const number = (text: string | undefined) => (text === undefined ? undefined : Number(text));
  return realDateParts({ year: Number(yearText), month: number(monthText), day: number(dayText) });
}

/**
 * The parts only as precise as they make a real date: a month past 12 (a CSL or BibLaTeX season,
 * 21 to 24) leaves the year, a day the month does not have (00, 31 June) leaves the month.
 */
export function realDateParts({ year, month, day }: DateParts): DateParts {
  if (month === undefined || !isCalendarDate(isoDateText({ year, month }))) return { year };
  return day !== undefined && isCalendarDate(isoDateText({ year, month, day })) ? { year, month, day } : { year, month };
}

function writtenMonthDate(value: string): DateParts | undefined {
  const year = /(?<!\d)(\d{4})(?!\d)/.exec(value)?.[1];
  if (year === undefined) return undefined;
  const month = monthNamedIn(value);
  return { year: Number(year), ...(month === undefined ? {} : { month }) };
}
