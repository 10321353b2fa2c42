import type { Readable } from 'node:stream';
import { AppError } from '../../errors.js';
import { paperLimits } from '../../papers/paper-limits.js';
import { textLines, whereReadingStopped } from '../../shared/text-lines.js';
import { monthNames } from './month-names.js';

/** One entry with its fields' raw TeX: @string macros expanded, `#` concatenations joined, names lower-cased. */
export interface BibtexEntry {
  type: string;
  key: string;
  /** Line of the entry's `@`. */
  line: number;
  fields: Map<string, string>;
}

export interface BibtexSyntaxProblem {
  line: number;
  key?: string;
  message: string;
}

export type BibtexItem = { entry: BibtexEntry; problem?: undefined } | { entry?: undefined; problem: BibtexSyntaxProblem };

/** A line that starts an entry; everything up to the next such line belongs to the entry before it. */
const entryStartLine = /^\s*@\s*[A-Za-z]+\s*[{(]/;

/** BibTeX's predefined month macros, as month numbers. */
const monthMacros: [string, string][] = monthNames.map((name, i) => [name, String(i + 1)]);

/**
 * Streams the entries of a .bib file. The file is cut at lines that start an entry, so memory
 * holds one entry at a time and a broken entry (an unclosed brace) costs only itself: it is
 * reported as a problem with its line and key, and reading goes on with the next entry.
 */
export async function* readBibtexEntries(stream: Readable): AsyncGenerator<BibtexItem> {
  const macros = new Map(monthMacros);
  const lines = textLines(stream, { windows1252Fallback: true });
  let chunk: string[] = [];
  let chunkLine = 1;
  let lineNumber = 0;
  try {
    for await (const rawLine of lines) {
      lineNumber++;
      const line = lineNumber === 1 ? rawLine.replace(/^\uFEFF/, '') : rawLine;
      if (chunk.length > 0 && entryStartLine.test(line)) {
        yield* parseChunk(chunk.join('\n'), chunkLine, macros);
        chunk = [];
      }
      if (chunk.length === 0) chunkLine = lineNumber;
      chunk.push(line);
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('input_malformed', `Reading stopped ${whereReadingStopped(lineNumber)}: ${(error as Error).message}`);
  }
  if (chunk.length > 0) yield* parseChunk(chunk.join('\n'), chunkLine, macros);
}

class BibtexSyntaxError extends Error {}

const entryHead = /@\s*([A-Za-z][\w-]*)\s*([{(])/g;
const nextEntryLine = /\n\s*@\s*[A-Za-z]+\s*[{(]/g;

/**
 * The longest value a field may expand to: ten times the longest text a paper may hold (its
 * abstract). A chain of @string macros, each doubling the one before, reaches hundreds of millions
 * of characters from a file of a few lines.
 */
const maxValueCharacters = 10 * paperLimits.abstractCharacters;

function* parseChunk(text: string, firstLine: number, macros: Map<string, string>): Generator<BibtexItem> {
  const scanner = new Scanner(text, macros);
  // Entries come in the order of the text: the lines are counted once, from the last entry on (a
  // count from the chunk's start for every entry made a chunk of many entries quadratic).
  let counted = 0;
  let line = firstLine;
  const lineAt = (offset: number) => {
    for (; counted < offset; counted++) if (text.charCodeAt(counted) === 10) line++;
    return line;
  };
  for (;;) {
    // Text outside entries is a comment in BibTeX, and so is an @ that does not open one.
    entryHead.lastIndex = scanner.pos;
    const head = entryHead.exec(text);
    if (!head) return;
    const at = head.index;
    const type = head[1]!.toLowerCase();
    const close = head[2] === '{' ? '}' : ')';
    scanner.pos = entryHead.lastIndex;
    let key: string | undefined;
    try {
      if (type === 'comment') {
        scanner.skipTo(close);
      } else if (type === 'preamble') {
        scanner.value();
        scanner.expect(close);
      } else if (type === 'string') {
        const name = scanner.name();
        scanner.expect('=');
        macros.set(name.toLowerCase(), scanner.value());
        scanner.expect(close);
      } else {
        key = scanner.key(close);
        yield { entry: { type, key, line: lineAt(at), fields: scanner.fields(close) } };
      }
    } catch (error) {
      if (!(error instanceof BibtexSyntaxError)) throw error;
      yield { problem: { line: lineAt(at), ...(key ? { key } : {}), message: error.message } };
      nextEntryLine.lastIndex = at + 1;
      const next = nextEntryLine.exec(text);
      if (!next) return;
      scanner.pos = next.index + 1;
    }
  }
}

class Scanner {
  pos = 0;

  constructor(
    private readonly text: string,
    private readonly macros: Map<string, string>,
  ) {}

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  private peek(): string | undefined {
    this.skipSpace();
    return this.text[this.pos];
  }

  expect(char: string): void {
    const found = this.peek();
    if (found !== char) throw new BibtexSyntaxError(`expected "${char}" but found ${found === undefined ? 'the end of the entry' : `"${found}"`}`);
    this.pos++;
  }

  private match(pattern: RegExp): string | undefined {
    this.skipSpace();
    pattern.lastIndex = this.pos;
    const found = pattern.exec(this.text)?.[0];
    if (found) this.pos += found.length;
    return found;
  }

  name(): string {
    const name = this.match(/[^\s=,{}"#()%]+/y);
    if (!name) throw new BibtexSyntaxError(`expected a field name but found "${this.text.slice(this.pos, this.pos + 20)}"`);
    return name;
  }

  /**
   * The citation key: up to the first comma (or the entry's end, for an entry without fields). A
   * brace cannot be part of it: in `@article{smith{2020}, …}` BibTeX would end the entry at the
   * key's `}` and lose every field, so the entry is reported as broken instead. A first field
   * where the key goes is reported as a missing key rather than read with the field's name for
   * its key.
   */
  key(close: string): string {
    const key = this.match(close === '}' ? /[^,\s{}]*/y : /[^,\s{})]*/y) ?? '';
    const next = this.peek();
    if (next === '{' || (next === '}' && close !== '}')) {
      throw new BibtexSyntaxError(`the citation key "${key}${next}…" holds a brace; a key is letters, digits and punctuation other than braces and commas`);
    }
    // `@article{,` (as JabRef saves an entry never given a key) is read without a key, for a
    // mapping that takes the id from a field (--id-field doi); a field where the key goes is not.
    if (next === '=' || (key === '' && next !== ',')) throw new BibtexSyntaxError('the entry has no citation key, which is its id');
    if (next === ',') this.pos++;
    return key;
  }

  fields(close: string): Map<string, string> {
    const fields = new Map<string, string>();
    for (;;) {
      const next = this.peek();
      if (next === close) {
        this.pos++;
        return fields;
      }
      if (next === undefined) throw new BibtexSyntaxError(`the entry is not closed with "${close}"`);
      const name = this.name().toLowerCase();
      this.expect('=');
      const value = this.value();
      // BibTeX itself keeps the first of a repeated field.
      if (!fields.has(name)) fields.set(name, value);
      const after = this.peek();
      if (after === ',') this.pos++;
      else if (after !== close) throw new BibtexSyntaxError(`expected "," or "${close}" after field ${name}`);
    }
  }

  /** A value: braced, quoted, a number or a macro, possibly joined with #. */
  value(): string {
    let value = '';
    for (;;) {
      const next = this.peek();
      if (next === '{') value += this.delimited('{');
      else if (next === '"') value += this.delimited('"');
      else {
        const word = this.match(/[^\s,#{}"()=]+/y);
        if (!word) throw new BibtexSyntaxError(`expected a value but found ${next === undefined ? 'the end of the entry' : `"${next}"`}`);
        // An undefined macro is empty, as in BibTeX (which warns).
        value += /^\d+$/.test(word) ? word : (this.macros.get(word.toLowerCase()) ?? '');
      }
      if (value.length > maxValueCharacters) {
        throw new BibtexSyntaxError(`a value expands to more than ${maxValueCharacters.toLocaleString('en')} characters (@string macros joined with #?)`);
      }
      if (this.peek() !== '#') return value;
      this.pos++;
    }
  }

  /** The content of {…} or "…"; braces nest inside both, escaped braces do not count. */
  private delimited(open: '{' | '"'): string {
    const start = this.pos;
    let depth = open === '{' ? 0 : 1;
    for (let i = start; i < this.text.length; i++) {
      const char = this.text[i];
      if (char === '\\') i++;
      else if (char === '{') depth++;
      else if (char === '}') {
        depth--;
        if (depth < (open === '{' ? 0 : 1)) throw new BibtexSyntaxError('a value has an unmatched "}"');
        if (open === '{' && depth === 0) {
          this.pos = i + 1;
          return this.text.slice(start + 1, i);
        }
      } else if (char === '"' && open === '"' && depth === 1 && i > start) {
        this.pos = i + 1;
        return this.text.slice(start + 1, i);
      }
    }
    throw new BibtexSyntaxError(open === '{' ? 'a value is missing its closing "}"' : "a quoted value is missing its closing '\"'");
  }

  /** Past the end of an @comment, whose content is anything with balanced delimiters. */
  skipTo(close: string): void {
    const open = close === '}' ? '{' : '(';
    let depth = 1;
    for (let i = this.pos; i < this.text.length; i++) {
      if (this.text[i] === open) depth++;
      else if (this.text[i] === close && --depth === 0) {
        this.pos = i + 1;
        return;
      }
    }
    throw new BibtexSyntaxError('an @comment is not closed');
  }
}
