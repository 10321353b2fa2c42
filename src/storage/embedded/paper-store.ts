import { createWriteStream, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import { AppError } from '../../errors.js';
import { arxivIdWithoutVersion, normalizeDoi, paperSchema, type Paper } from '../../papers/paper.js';

/**
 * The paper records of an index, kept in memory for serving. On disk they are `papers.jsonl`:
 * line N (0-based) is the paper whose vector has label N in the vector index. Papers written
 * while serving get the next labels; a deleted or replaced paper leaves an empty label behind
 * (a tombstone) until the next snapshot renumbers the papers.
 */
export class PaperStore {
  private readonly labelById = new Map<string, number>();
  private readonly labelByDoi = new Map<string, number>();
  private readonly labelByArxivId = new Map<string, number>();
  /** A paper, `unparsed` while its line of papers.jsonl is not parsed yet (see load), or undefined for a tombstone. */
  private readonly papers: (Paper | typeof unparsed | undefined)[] = [];
  /** The bytes of papers.jsonl and where each loaded label's line is in them. */
  private lines: { bytes: Buffer; starts: Uint32Array; ends: Uint32Array } | undefined;
  private tombstones = 0;

  private constructor() {}

  static fromPapers(papers: readonly Paper[]): PaperStore {
    const store = new PaperStore();
    for (const paper of papers) store.append(paper);
    return store;
  }

  /**
   * Reads papers.jsonl, parsing each record only when it is first needed: decoding and parsing
   * every record up front was most of a 75k-paper index's start-up (1.5 of 2.2 s). Only the
   * identifiers are read now, from the line's bytes (see identifiersOf).
   */
  static async load(path: string, expectedCount: number): Promise<PaperStore> {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      throw new AppError('index_corrupt', `Cannot read ${path}: ${(error as Error).message}`, { cause: error });
    }
    const store = new PaperStore();
    const starts: number[] = [];
    const ends: number[] = [];
    let start = 0;
    while (start < bytes.length) {
      const newline = bytes.indexOf(0x0a, start);
      let end = newline === -1 ? bytes.length : newline;
      const next = end + 1;
      while (end > start && (bytes[end - 1] === 0x0d || bytes[end - 1] === 0x20)) end--;
      if (end > start) {
        const identifiers = identifiersOf(bytes.subarray(start, end));
        if (!identifiers) throw new AppError('index_corrupt', `${path}: paper ${store.papers.length + 1} is not a valid record.`);
        store.index(store.papers.length, identifiers);
        store.papers.push(unparsed);
        starts.push(start);
        ends.push(end);
      }
      start = next;
    }
    if (store.papers.length !== expectedCount) {
      throw new AppError('index_corrupt', `${path} holds ${store.papers.length} papers, the manifest says ${expectedCount}.`);
    }
    store.lines = { bytes, starts: Uint32Array.from(starts), ends: Uint32Array.from(ends) };
    return store;
  }

  /** Labels in use, tombstones included: every label is below this. */
  get size(): number {
    return this.papers.length;
  }

  /** Papers present (labels minus tombstones). */
  get liveCount(): number {
    return this.papers.length - this.tombstones;
  }

  get tombstoneCount(): number {
    return this.tombstones;
  }

  /** Stores a paper under the next label and makes its id (and DOI, arXiv id) point at it. */
  append(paper: Paper): number {
    const label = this.papers.length;
    this.papers.push(paper);
    this.index(label, paper);
    return label;
  }

  /** Tombstones a label: its paper is no longer found by id or listed. */
  remove(label: number): void {
    if (this.papers[label] === undefined) return;
    const paper = this.byLabel(label);
    this.papers[label] = undefined;
    this.tombstones++;
    const forget = (map: Map<string, number>, key: string) => {
      if (map.get(key) === label) map.delete(key);
    };
    forget(this.labelById, paper.id);
    if (paper.doi) forget(this.labelByDoi, normalizeDoi(paper.doi));
    if (paper.arxiv_id) forget(this.labelByArxivId, arxivIdWithoutVersion(paper.arxiv_id));
  }

  isLive(label: number): boolean {
    return this.papers[label] !== undefined;
  }

  /**
   * The label of a paper named by its id, or by `doi:<DOI>` or `arxiv:<arXiv id>` where the record
   * has them (DOIs case-insensitive, arXiv versions ignored). An id that is literally `doi:...`
   * still wins.
   */
  labelOf(id: string): number | undefined {
    const direct = this.labelById.get(id);
    if (direct !== undefined) return direct;
    if (id.startsWith('doi:')) return this.labelByDoi.get(normalizeDoi(id.slice('doi:'.length)));
    if (id.startsWith('arxiv:')) return this.labelByArxivId.get(arxivIdWithoutVersion(id.slice('arxiv:'.length)));
    return undefined;
  }

  /** The paper under a live label; asking for a tombstone or an unused label is a bug. */
  byLabel(label: number): Paper {
    const stored = this.papers[label];
    if (stored === undefined) throw new AppError('internal', `No paper stored for label ${label}.`);
    if (stored !== unparsed) return stored;
    let paper: Paper;
    try {
      // Set by load, the only source of unparsed labels.
      const { bytes, starts, ends } = this.lines!;
      paper = JSON.parse(bytes.toString('utf8', starts[label], ends[label])) as Paper;
    } catch {
      throw new AppError('index_corrupt', `The stored record of label ${label} is not valid JSON.`);
    }
    this.papers[label] = paper;
    return paper;
  }

  /** The live papers in label order, with their labels. */
  *entries(from = 0): Generator<[number, Paper]> {
    for (let label = from; label < this.papers.length; label++) {
      if (this.papers[label] !== undefined) yield [label, this.byLabel(label)];
    }
  }

  private index(label: number, { id, doi, arxiv_id }: Identifiers): void {
    this.labelById.set(id, label);
    if (doi) this.labelByDoi.set(normalizeDoi(doi), label);
    if (arxiv_id) this.labelByArxivId.set(arxivIdWithoutVersion(arxiv_id), label);
  }
}

/** Marks a loaded paper whose record is not parsed yet. */
const unparsed = Symbol('unparsed');

type Identifiers = Pick<Paper, 'id' | 'doi' | 'arxiv_id'>;

const idPrefix = Buffer.from('{"id":"');
const doiKey = Buffer.from(',"doi":"');
const arxivIdKey = Buffer.from(',"arxiv_id":"');

/**
 * The identifiers of one papers.jsonl line without decoding or parsing the whole record.
 * PaperStoreWriter writes keys in schema order, so a line starts with `{"id":"`; `,"doi":"` and
 * `,"arxiv_id":"` cannot occur inside a JSON string (its quotes are escaped), so where they occur
 * they are keys. Any other line is parsed in full, so an unusual but valid line still loads.
 */
function identifiersOf(line: Buffer): Identifiers | undefined {
  if (!line.subarray(0, idPrefix.length).equals(idPrefix)) {
    try {
      const parsed = JSON.parse(line.toString('utf8')) as Partial<Paper> | null;
      return typeof parsed?.id === 'string' ? { id: parsed.id, doi: parsed.doi, arxiv_id: parsed.arxiv_id } : undefined;
    } catch {
      return undefined;
    }
  }
  const id = jsonStringAt(line, idPrefix.length - 1);
  if (id === undefined) return undefined;
  const valueOf = (key: Buffer) => {
    const at = line.lastIndexOf(key);
    return at === -1 ? undefined : jsonStringAt(line, at + key.length - 1);
  };
  return { id, doi: valueOf(doiKey), arxiv_id: valueOf(arxivIdKey) };
}

/** The JSON string literal whose opening quote is at `quote`, decoded. */
function jsonStringAt(bytes: Buffer, quote: number): string | undefined {
  let end = quote + 1;
  while (end < bytes.length && bytes[end] !== 0x22) end += bytes[end] === 0x5c ? 2 : 1;
  if (end >= bytes.length) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8', quote, end + 1)) as string;
  } catch {
    return undefined;
  }
}

/** Appends papers to a `papers.jsonl` file in label order, honouring stream back-pressure. */
export class PaperStoreWriter {
  private readonly stream: WriteStream;
  /** A write error, surfaced on the next append or close instead of crashing the process. */
  private failure: Error | undefined;

  constructor(path: string) {
    this.stream = createWriteStream(path, { encoding: 'utf8' });
    this.stream.on('error', (error) => (this.failure ??= error));
  }

  async append(paper: Paper): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.stream.write(`${JSON.stringify(paperSchema.parse(paper))}\n`)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (this.stream.destroyed) return;
    await new Promise<void>((resolve, reject) => this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
    if (this.failure) throw this.failure;
  }
}
