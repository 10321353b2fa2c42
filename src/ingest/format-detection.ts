import { StringDecoder } from 'node:string_decoder';
import { TextDecoder } from 'node:util';
import { AppError } from '../errors.js';
import { isArxivSnapshotRecord } from './formats/arxiv-snapshot.js';
import { isObject } from './formats/json-lines.js';
import { isMedline } from './formats/medline.js';
import { isOpenAlexRecord } from './formats/openalex.js';
import { isSemanticScholarAbstract, isSemanticScholarPaper } from './formats/semantic-scholar.js';
import { isWebOfScience } from './formats/web-of-science.js';
import { openInput, type InputFile } from './input-files.js';
import { detectFormat, type InputFormat } from './record-readers.js';

/**
 * Enough of a file to hold its first record: an OpenAlex API page saved as one line runs to a few
 * megabytes (200 works), and a work with thousands of authorships to one or two.
 */
const headLimit = 32 << 20;
/** Enough lines to get past a .bib file's leading comments. */
const headWanted = 1 << 14;

/**
 * The input's format: --format if given; .bib by extension; Web of Science's exports by their first
 * lines; .csv by extension; MEDLINE by its first lines, whatever its name; .ris by extension;
 * otherwise by the first record (the arXiv snapshot is JSON lines named .json, OpenAlex parts are
 * named part_000.gz), falling back to the extension. `shownAs`: what an error calls the input
 * (standard input is read from a private copy).
 */
export async function detectInputFormat(path: string, explicit?: InputFormat, shownAs = path): Promise<InputFormat> {
  if (explicit) return explicit;
  // A zip's format is its member's (papers.zip may hold papers.jsonl), a folder's its first file's.
  const first = (await openInput(path, { folders: true })).files[0]!;
  const named = first.member ?? first.path;
  let byExtension: InputFormat | undefined;
  try {
    byExtension = detectFormat(named);
  } catch {
    byExtension = undefined;
  }
  if (byExtension === 'bibtex') return byExtension;
  const { text: head, utf16 } = await readHead(first);
  // Web of Science's exports are both named savedrecs.txt, and the tab-delimited one is often
  // renamed .csv: read as CSV, its Keywords Plus column (ID) was taken for the id.
  if (isWebOfScience(head)) return 'web-of-science';
  if (byExtension === 'csv') return byExtension;
  // PubMed's "citation manager" file (.nbib) is often renamed .ris: read as RIS, it holds no record.
  if (isMedline(head)) return 'medline';
  if (byExtension === 'ris') return byExtension;
  // Without a name to go by (standard input, papers.txt), a JSON array or one object is read as JSON.
  const format = formatOfContent(head) ?? byExtension ?? (/^\s*[[{]/.test(head) ? 'json' : detectFormat(path, undefined, shownAs));
  if (utf16 && !utf16Formats.includes(format)) {
    // Its every line was otherwise rejected as invalid_json, NUL bytes quoted, with no word of why.
    throw new AppError(
      'input_unreadable',
      `${shownAs} is UTF-16 text (it opens with a UTF-16 byte-order mark), and ${format} input is read as UTF-8: save it as UTF-8 and try again.`,
    );
  }
  return format;
}

/** The formats whose readers decode a text that opens with a UTF-16 byte-order mark (see textLines). */
const utf16Formats: readonly InputFormat[] = ['bibtex', 'ris', 'csv', 'medline', 'web-of-science'];

/**
 * The start of a file as text, and whether it is UTF-16: Windows tools save "Unicode" text as
 * UTF-16 after a byte-order mark (Web of Science's "Tab delimited (Win)" export is such a file),
 * which the readers of the tagged formats decode, so its first lines are told by the same text.
 */
async function readHead(file: InputFile): Promise<{ text: string; utf16: boolean }> {
  const stream = file.open();
  const chunks: string[] = [];
  let decoder: { write(chunk: Buffer): string } | undefined;
  let utf16 = false;
  let length = 0;
  // Whether a non-blank line has ended, told from each chunk alone: the head is never searched
  // again as it grows (a pattern such as /\S[^\n]*\n/ over the whole head, re-tested at every
  // chunk, took minutes on a one-line JSON array of a few hundred kilobytes).
  let sawText = false;
  let lineEnded = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (!decoder) {
        const encoding = chunk[0] === 0xff && chunk[1] === 0xfe ? 'utf-16le' : chunk[0] === 0xfe && chunk[1] === 0xff ? 'utf-16be' : undefined;
        utf16 = encoding !== undefined;
        const utf16Decoder = encoding === undefined ? undefined : new TextDecoder(encoding);
        decoder = utf16Decoder ? { write: (bytes) => utf16Decoder.decode(bytes, { stream: true }) } : new StringDecoder('utf8');
      }
      const text = decoder.write(chunk);
      chunks.push(text);
      length += text.length;
      const lastBreak = text.lastIndexOf('\n');
      lineEnded ||= lastBreak >= 0 && (sawText || /\S/.test(text.slice(0, lastBreak)));
      sawText ||= /\S/.test(text);
      if (length >= headLimit || (length >= headWanted && lineEnded)) break;
    }
  } catch {
    // A damaged file is for the reader to report, with the position where it broke.
  } finally {
    stream.destroy();
  }
  return { text: chunks.join('').replace(/^\uFEFF/, ''), utf16 };
}

/** The format a file's first lines show, if they show one. */
export function formatOfContent(head: string): InputFormat | undefined {
  const [firstLine, secondLine] = head
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  if (firstLine === undefined) return undefined;
  if (/^TY {1,2}-/.test(firstLine)) return 'ris';
  if (firstLine.startsWith('{')) {
    const value = parsedLine(firstLine);
    if (!isObject(value)) return undefined;
    // Objects a line each, whatever the name (papers.json), are JSON lines; one alone is read either way.
    // The second line is not parsed: the head may end inside it (a long abstract).
    return formatOfRecord(value) ?? (secondLine?.startsWith('{') ? 'jsonl' : undefined);
  }
  // Spaces and tabs, not \s: with /m, ^ matches after every line break, and \s* from each one ran
  // over every line break after it (a file of 256 KB of \r took half a minute).
  return /^[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]/m.test(head) ? 'bibtex' : undefined;
}

function parsedLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

function formatOfRecord(value: Record<string, unknown>): InputFormat | undefined {
  if (isSemanticScholarAbstract(value)) {
    throw new AppError('input_unreadable', "This is Semantic Scholar's abstracts dataset: pass the papers dataset as --input and this one as --abstracts.");
  }
  if (isSemanticScholarPaper(value)) return 'semantic-scholar';
  if (isOpenAlexRecord(value)) return 'openalex';
  if (isArxivSnapshotRecord(value)) return 'arxiv-snapshot';
  return undefined;
}
