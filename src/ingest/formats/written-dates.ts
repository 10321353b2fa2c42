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
 * "Jun 15, 2019": year and month). Undefined without a four-digit year.
 */
export function writtenDate(value: string): DateParts | undefined {
  return numericDate(value) ?? writtenMonthDate(value);
}

/** YYYY, YYYY-MM or YYYY-MM-DD, as precise as the parts. */
export function isoDateText({ year, month, day }: DateParts): string {
  const twoDigits = (n: number) => String(n).padStart(2, '0');
  return `${String(year).padStart(4, '0')}${month ? `-${twoDigits(month)}${day ? `-${twoDigits(day)}` : ''}` : ''}`;
}

function numericDate(value: string): DateParts | undefined {
  const match = /^(\d{4})(?!\d)(?:[/-](\d{1,2})?(?:[/-](\d{1,2})?)?)?/.exec(value.trim());
  if (!match) return undefined;
  const [, year, month, day] = match;
  return { year: Number(year), ...(month ? { month: Number(month) } : {}), ...(month && day ? { day: Number(day) } : {}) };
}

function writtenMonthDate(value: string): DateParts | undefined {
  const year = /(?<!\d)(\d{4})(?!\d)/.exec(value)?.[1];
  if (year === undefined) return undefined;
  const month = monthNamedIn(value);
  return { year: Number(year), ...(month === undefined ? {} : { month }) };
}
