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
  const head = await readHead(first);
  // Web of Science's exports are both named savedrecs.txt, and the tab-delimited one is often
  // renamed .csv: read as CSV, its Keywords Plus column (ID) was taken for the id.
  if (isWebOfScience(head)) return 'web-of-science';
  if (byExtension === 'csv') return byExtension;
  // PubMed's "citation manager" file (.nbib) is often renamed .ris: read as RIS, it holds no record.
  if (isMedline(head)) return 'medline';
  if (byExtension === 'ris') return byExtension;
  // Without a name to go by (standard input, papers.txt), a JSON array or one object is read as JSON.
  return formatOfContent(head) ?? byExtension ?? (/^\s*[[{]/.test(head) ? 'json' : detectFormat(path, undefined, shownAs));
}

async function readHead(file: InputFile): Promise<string> {
  const stream = file.open();
  const chunks: string[] = [];
  let length = 0;
  // Whether a non-blank line has ended, told from each chunk alone: the head is never searched
  // again as it grows (a pattern such as /\S[^\n]*\n/ over the whole head, re-tested at every
  // chunk, took minutes on a one-line JSON array of a few hundred kilobytes).
  let sawText = false;
  let lineEnded = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = chunk.toString('utf8');
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
  return chunks.join('').replace(/^\uFEFF/, '');
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
