import type { Readable } from 'node:stream';
import { AppError } from '../../errors.js';
import { textLines, whereReadingStopped } from '../../shared/text-lines.js';
import type { Input } from '../input-files.js';
import type { RawRecord } from '../record-readers.js';

/** One record per line; a line that is not JSON is reported with its number, and reading goes on. */
export async function* readJsonLines(stream: Readable, positionPrefix = ''): AsyncGenerator<RawRecord> {
  const lines = textLines(stream);
  let lineNumber = 0;
  try {
    for await (const rawLine of lines) {
      lineNumber++;
      // A byte-order mark is legal at the start of a UTF-8 file and is not part of the JSON.
      const line = lineNumber === 1 ? rawLine.replace(/^\uFEFF/, '') : rawLine;
      if (line.trim().length === 0) continue;
      const position = `${positionPrefix}line ${lineNumber}`;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        yield { position, error: { reason: 'invalid_json', message: (error as Error).message } };
        continue;
      }
      yield { position, value };
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('input_malformed', `Reading ${positionPrefix}stopped ${whereReadingStopped(lineNumber)}: ${(error as Error).message}`);
  }
}

/** The JSON lines of every file of an input; positions name the file when there are several. */
export async function* readInputJsonLines(input: Input): AsyncGenerator<RawRecord> {
  for (const file of input.files) {
    yield* readJsonLines(file.open(), input.files.length > 1 ? `${file.name} ` : '');
  }
}

/**
 * Applies a format's conversion to each parsed line. A conversion may expand one line into
 * several records (an API page of results) or reject it; lines that failed to parse pass through.
 */
export async function* convertJsonLines(
  lines: AsyncIterable<RawRecord>,
  convert: (value: unknown, position: string) => Iterable<RawRecord>,
): AsyncGenerator<RawRecord> {
  for await (const line of lines) {
    if (line.error) yield line;
    else yield* convert(line.value, line.position);
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The fields that have a value. */
export function definedTexts(fields: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** The value if it is a non-blank string, trimmed. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim().length > 0 ? value.trim() : undefined;
}

/** The raw lines of every file of an input, for passes that look at a single key and parse little. */
export async function* readInputLines(input: Input): AsyncGenerator<string> {
  for (const file of input.files) {
    try {
      yield* textLines(file.open());
    } catch (error) {
      throw new AppError('input_malformed', `Reading ${file.path} stopped: ${(error as Error).message}`);
    }
  }
}
