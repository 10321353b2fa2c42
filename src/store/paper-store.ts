import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { AppError } from '../errors.js';
import { arxivIdWithoutVersion, normalizeDoi, paperSchema, type Paper } from './paper.js';

/**
 * The paper records of an index, kept in memory for serving. On disk they are `papers.jsonl`:
 * line N (0-based) is the paper whose vector has label N in the vector index.
 */
export class PaperStore {
  private readonly labelById = new Map<string, number>();
  private readonly labelByDoi = new Map<string, number>();
  private readonly labelByArxivId = new Map<string, number>();

  private constructor(private readonly papers: readonly Paper[]) {
    papers.forEach((paper, label) => {
      this.labelById.set(paper.id, label);
      if (paper.doi) this.labelByDoi.set(normalizeDoi(paper.doi), label);
      if (paper.arxiv_id) this.labelByArxivId.set(arxivIdWithoutVersion(paper.arxiv_id), label);
    });
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

  get size(): number {
    return this.papers.length;
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

  byLabel(label: number): Paper {
    const paper = this.papers[label];
    if (!paper) throw new AppError('index_corrupt', `No paper stored for label ${label}.`);
    return paper;
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
