import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { AppError } from '../errors.js';
import { arxivIdWithoutVersion, normalizeDoi, paperSchema, type Paper } from './paper.js';

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
  private readonly papers: (Paper | undefined)[] = [];
  private tombstones = 0;

  private constructor(papers: readonly Paper[]) {
    for (const paper of papers) this.append(paper);
  }

  static fromPapers(papers: readonly Paper[]): PaperStore {
    return new PaperStore(papers);
  }

  static async load(path: string, expectedCount: number): Promise<PaperStore> {
    const papers: Paper[] = [];
    const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
    try {
      for await (const line of lines) {
        if (line.length === 0) continue;
        // The file was written by PaperStoreWriter from validated records; a full schema check per
        // line would double start-up time for nothing but a count check catches truncation.
        papers.push(JSON.parse(line) as Paper);
      }
    } catch (error) {
      throw new AppError('index_corrupt', `Cannot read ${path}: ${(error as Error).message}`, undefined, { cause: error });
    }
    if (papers.length !== expectedCount) {
      throw new AppError('index_corrupt', `${path} holds ${papers.length} papers, the manifest says ${expectedCount}.`);
    }
    return new PaperStore(papers);
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
    this.labelById.set(paper.id, label);
    if (paper.doi) this.labelByDoi.set(normalizeDoi(paper.doi), label);
    if (paper.arxiv_id) this.labelByArxivId.set(arxivIdWithoutVersion(paper.arxiv_id), label);
    return label;
  }

  /** Tombstones a label: its paper is no longer found by id or listed. */
  remove(label: number): void {
    const paper = this.papers[label];
    if (!paper) return;
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
    const paper = this.papers[label];
    if (!paper) throw new AppError('internal', `No paper stored for label ${label}.`);
    return paper;
  }

  /** The live papers in label order, with their labels. */
  *entries(from = 0): Generator<[number, Paper]> {
    for (let label = from; label < this.papers.length; label++) {
      const paper = this.papers[label];
      if (paper) yield [label, paper];
    }
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
