import { AppError } from '../../errors.js';
import type { Input } from '../input-files.js';
import type { RawRecord } from '../record-readers.js';
import { uprightedAuthorName } from '../../papers/author-names.js';
import { publishedVenue } from '../../papers/preprint-servers.js';
import { isoDateText, writtenDate } from './written-dates.js';
import { textLines, whereReadingStopped } from '../../shared/text-lines.js';
import { addTagValue, continueLastValue, tagValues, type TaggedRecord } from './tagged-records.js';

/** "PMID- 31452104", "TI  - value", "FAU - Smith, John": a tag of up to four characters, padded to four, then "- ". */
const tagLine = /^([A-Z][A-Z0-9]{0,3}) {0,3}- ?(.*)$/s;

/** Whether a file's first lines are MEDLINE's: tag lines, a PMID among them ("PMID- 31452104", or after "OWN - NLM"). */
export function isMedline(head: string): boolean {
  const lines = head
    .split('\n', 12)
    .map((line) => line.replace(/^\uFEFF/, '').trimEnd())
    .filter((line) => line.length > 0);
  const pmidAt = lines.findIndex((line) => /^PMID- ?\d+$/.test(line));
  return pmidAt >= 0 && lines.slice(0, pmidAt).every((line) => /^[A-Z][A-Z0-9]{0,3} {0,3}- /.test(line));
}

/**
 * MEDLINE (PubMed's .nbib, from "Send to: Citation manager", and its "PubMed" text format): a
 * record runs from its first tag line to a blank line, or to a second PMID line; a line indented
 * by six spaces continues the previous value. A record without a PMID is read all the same (and
 * refused for want of an id), not passed over.
 */
export async function* readMedline(input: Input): AsyncGenerator<RawRecord> {
  for (const file of input.files) {
    let open: TaggedRecord | undefined;
    let lineNumber = 0;
    const closed = function* (): Generator<RawRecord> {
      if (!open) return;
      const record = medlineRecordToRecord(open.tags);
      yield { position: typeof record.id === 'string' ? `record ${record.id} (line ${open.line})` : `line ${open.line}`, value: record };
      open = undefined;
    };
    try {
      for await (const rawLine of textLines(file.open(), { windows1252Fallback: true })) {
        lineNumber++;
        const line = (lineNumber === 1 ? rawLine.replace(/^\uFEFF/, '') : rawLine).trimEnd();
        if (line.length === 0) {
          yield* closed();
          continue;
        }
        const tagged = /^\s/.test(line) ? null : tagLine.exec(line);
        if (!tagged) {
          // A continuation line: long titles, abstracts and affiliations are wrapped.
          continueLastValue(open, line);
          continue;
        }
        const [, tag = '', value = ''] = tagged;
        if (tag === 'PMID' && open?.tags.has('PMID')) yield* closed();
        open ??= { line: lineNumber, tags: new Map() };
        addTagValue(open, tag, value);
      }
    } catch (error) {
      throw new AppError('input_malformed', `Reading ${file.path} stopped ${whereReadingStopped(lineNumber)}: ${(error as Error).message}`);
    }
    yield* closed();
  }
}

/**
 * One record's tags in the canonical field names. The id is `PMID:<n>`; the DOI is the LID or
 * AID marked `[doi]`; the authors are the full names (FAU), else the initials (AU), with the
 * group authors (CN); the categories are the author keywords (OT) and the MeSH headings (MH, without
 * their qualifiers and stars).
 */
function medlineRecordToRecord(tags: Map<string, string[]>): Record<string, unknown> {
  const { all, first } = tagValues(tags);
  const record: Record<string, unknown> = {};
  const pmid = first('PMID');
  if (pmid) {
    record.id = `PMID:${pmid}`;
    record.url = `https://pubmed.ncbi.nlm.nih.gov/${encodeURIComponent(pmid)}/`;
  }
  const title = first('TI', 'BTI');
  if (title) record.title = title;
  const abstract = all('AB').join(' ');
  if (abstract) record.abstract = abstract;
  const people = all('FAU').length > 0 ? all('FAU') : all('AU');
  const authors = [...people.map(uprightedAuthorName), ...all('CN')];
  if (authors.length > 0) record.authors = authors;
  const headings = all('MH').map((heading) => heading.split('/')[0]!.replace(/^\*/, '').trim());
  const categories = [...new Set([...all('OT'), ...headings].filter((category) => category.length > 0))];
  if (categories.length > 0) record.categories = categories;
  const published = first('DP');
  const date = published === undefined ? undefined : writtenDate(published);
  if (date) {
    record.year = date.year;
    if (date.month) record.date = isoDateText({ year: date.year, month: date.month });
  }
  const doi = [...all('LID'), ...all('AID')]
    .find((value) => value.endsWith('[doi]'))
    ?.slice(0, -'[doi]'.length)
    .trimEnd();
  if (doi) record.doi = doi;
  // A preprint server (bioRxiv, medRxiv: PubMed lists their preprints) is not a venue.
  const venue = publishedVenue(first('JT', 'TA'));
  if (venue) record.venue = venue;
  const types = all('PT').map((type) => type.toLowerCase());
  if (types.includes('preprint') || (first('JT', 'TA') !== undefined && venue === undefined)) record.type = 'preprint';
  else if (types.includes('journal article') || venue) record.type = 'journal-article';
  const volume = first('VI');
  if (volume) record.volume = volume;
  const issue = first('IP');
  if (issue) record.issue = issue;
  const pages = first('PG');
  if (pages) record.pages = pages;
  return record;
}
