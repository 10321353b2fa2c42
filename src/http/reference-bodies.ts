import { setImmediate } from 'node:timers/promises';
import type { Request } from 'express';
import { AppError, invalidInput, isAppError } from '../errors.js';
import { exportMediaTypeAliases, exportMediaTypes, formatNames, formatOfMediaType, importFormats, type ImportFormat } from '../export/media-types.js';
import { readReferenceText } from '../ingest/reference-text.js';
import { defaultFieldMap, mapRecordToPaper } from '../papers/paper-record.js';
import { isWriteEntry, rejectedEntry, type RejectedEntry, type WriteEntry } from '../writes/write-entries.js';
import { maxIssues } from '../shared/zod-issues.js';
import { maxPapersPerWrite, paperInputSchema, titleOnlyPaperInputSchema } from './paper-write-schemas.js';
import { isMedline } from '../ingest/formats/medline.js';
import { isWebOfScience } from '../ingest/formats/web-of-science.js';

/** How long a reference body is read before other requests get a turn. */
const turnMs = 20;

/** Bodies POST /v1/papers takes besides JSON: a reference manager's export, written all or none. */
export const referenceMediaTypes: readonly string[] = importFormats.flatMap((format) => [exportMediaTypes[format], ...exportMediaTypeAliases[format]]);

/** Which reference format a request body is in, by its Content-Type; undefined for any other. */
export function referenceFormatOf(request: Request): ImportFormat | undefined {
  const type = request.is([...referenceMediaTypes]);
  const format = type ? formatOfMediaType(type) : undefined;
  return importFormats.find((importFormat) => importFormat === format);
}

/**
 * A reference body's bytes as the importer reads them: UTF-8, or line by line Windows-1252 where
 * a line is not (as a file of it would be read). A charset the Content-Type declares is honoured:
 * the body is decoded with it (as UTF-8 for the importer); one nobody knows is a 415.
 */
export function referenceBytes(request: Request): Buffer {
  const body = request.body as Buffer;
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset === undefined || charset === 'utf-8' || charset === 'utf8' || charset === 'us-ascii') return body;
  try {
    return Buffer.from(new TextDecoder(charset).decode(body), 'utf8');
  } catch (error) {
    // The constructor's RangeError: a label the Encoding Standard does not know.
    if (!(error instanceof RangeError)) throw error;
    throw new AppError('unsupported_media_type', `The charset ${charset} of the body is not one this server knows; send UTF-8.`, {
      details: { contentType: request.headers['content-type'] },
    });
  }
}

/**
 * The papers of a BibTeX, RIS or CSL-JSON body in order, each checked as a JSON paper would be (ingestion's
 * mapping, then the write schema's limits) so that a bad entry is named by its key and line, not
 * by an index. Any rejected entry (unless `skipInvalid`: the others are then written, and the
 * rejected ones listed), a repeated id, no entry to write or more than a write may hold refuse
 * the whole body: 400 invalid_input with `details.rejected`.
 */
export async function paperInputsOfReferences(
  body: Buffer,
  format: ImportFormat,
  options: { allowTitleOnly: boolean; skipInvalid: boolean },
): Promise<(WriteEntry | RejectedEntry)[]> {
  const inputSchema = options.allowTitleOnly ? titleOnlyPaperInputSchema : paperInputSchema;
  const items: (WriteEntry | RejectedEntry)[] = [];
  const seen = new Map<string, string>();
  let lastTurn = performance.now();
  for await (const record of readableReferences(body, format)) {
    // Reading an entry's TeX costs a few microseconds a character: other requests get a turn
    // between entries, so a body of long ones does not hold every reader up until it is read.
    if (performance.now() - lastTurn > turnMs) {
      await setImmediate();
      lastTurn = performance.now();
    }
    // Counted as they are read, so a body of many thousands of entries is refused without reading them all.
    if (items.length === maxPapersPerWrite) {
      throw invalidInput(`The body holds more than ${maxPapersPerWrite} ${formatNames[format].records}; one write takes at most ${maxPapersPerWrite}.`, [
        { path: 'body', message: `more than ${maxPapersPerWrite} entries`, code: 'too_big' },
      ]);
    }
    if (record.error) {
      items.push(rejectedEntry(record.position, undefined, record.error));
      continue;
    }
    // A CSL-JSON array may hold anything (null, a number); the mapping refuses what is not an object.
    const { value } = record;
    const id = typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string' ? (value as { id: string }).id : undefined;
    const reject = (reason: string, message: string, field?: string) => items.push(rejectedEntry(record.position, id, { reason, message, field }));
    const mapped = mapRecordToPaper(value, defaultFieldMap, { allowTitleOnly: options.allowTitleOnly });
    if (!mapped.ok) {
      reject(mapped.reason, mapped.message, mapped.field);
      continue;
    }
    const parsed = inputSchema.safeParse(mapped.paper);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.map(String).join('.');
      reject('invalid_field', `field "${field}": ${issue.message}`, field);
      continue;
    }
    if (id !== undefined && seen.has(id)) {
      reject('duplicate_id', `the id "${id}" is also the id of ${seen.get(id)}`);
      continue;
    }
    if (id !== undefined) seen.set(id, record.position);
    items.push({ position: record.position, input: parsed.data });
  }
  const entries = items.filter(isWriteEntry);
  const rejected = items.filter((item): item is RejectedEntry => !isWriteEntry(item));
  const what = formatNames[format].records;
  if (rejected.length > 0 && !(options.skipInvalid && entries.length > 0)) {
    const shown = rejected.slice(0, 5).map((entry) => `${entry.position}: ${entry.message}`);
    // The issues name the first ten, as every 400 does; `rejected` names each (at most the write's 1,000).
    const issues = rejected.slice(0, maxIssues).map((entry) => ({ path: 'body', message: `${entry.position}: ${entry.message}`, code: entry.reason }));
    // What the client can ask for instead: papers by their title alone, or the others written.
    const remedies = [
      !options.allowTitleOnly && rejected.some((entry) => entry.reason === 'missing_abstract')
        ? 'allow_title_only=true takes those without an abstract by their title'
        : undefined,
      entries.length > 0 ? 'skip_invalid=true writes the others and lists these' : undefined,
    ].filter((remedy) => remedy !== undefined);
    throw invalidInput(
      `${rejected.length} of ${rejected.length + entries.length} ${what} cannot be written, so none was: ${shown.join('; ')}${rejected.length > 5 ? '; …' : ''}.${remedies.length > 0 ? ` (${remedies.join('; ')}.)` : ''}`,
      issues,
      { rejected, ...(rejected.length > maxIssues ? { moreIssues: rejected.length - maxIssues } : {}) },
    );
  }
  if (entries.length === 0) {
    // Other tagged formats sent as RIS: PubMed's .nbib (often renamed so), Web of Science's savedrecs.txt.
    const head = body.subarray(0, 1024).toString('utf8');
    const tagged =
      format !== 'ris'
        ? undefined
        : isMedline(head)
          ? "MEDLINE format (PubMed's .nbib)"
          : isWebOfScience(head)
            ? "Web of Science's export format (savedrecs.txt)"
            : undefined;
    const message = tagged
      ? `The body is in ${tagged}, which this route does not take: paper-search add reads such a file and writes its papers.`
      : `The body holds no ${what}.`;
    throw invalidInput(message, [{ path: 'body', message: `no ${what}`, code: 'too_small' }]);
  }
  return items;
}

/**
 * The records of a reference body, with a body that cannot be read at all (an @string chain that
 * grows past any string's length) as the client's 400, not ingestion's input_malformed (a 500).
 */
async function* readableReferences(body: Buffer, format: ImportFormat): ReturnType<typeof readReferenceText> {
  try {
    yield* readReferenceText(body, format);
  } catch (error) {
    if (!isAppError(error) || error.code !== 'input_malformed') throw error;
    // A CSL-JSON body that does not parse is bad JSON, as any other JSON body would be.
    if (format === 'csl-json') throw new AppError('invalid_json', `The body cannot be read as CSL-JSON: ${error.message}`);
    throw invalidInput(`The body cannot be read as ${formatNames[format].name}: ${error.message}`, [{ path: 'body', message: error.message, code: 'custom' }]);
  }
}
