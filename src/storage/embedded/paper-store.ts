import { AppError } from '../../errors.js';
import { turnsEvery } from '../../shared/event-loop-turns.js';
import type { FacetFields } from '../../papers/paper-facets.js';
import { identifierKeysOfName } from '../../papers/identifiers.js';
import { arxivIdWithoutVersion, normalizeDoi, type Paper } from '../../papers/paper.js';
import { parseFacetFieldsOfLine, parsePaperLine, scanPapersFile, type PaperIdentifiers, type ScannedPapersFile } from './papers-file.js';

/**
 * Milliseconds of papers indexed by their identifiers per turn of the event loop at load: a
 * snapshot swap loads the new folder while the server answers requests.
 */
const loadTurnMs = 10;

/**
 * The paper records of an index, kept in memory for serving. Line N of `papers.jsonl` is the
 * paper whose vector has label N in the vector index. Papers written while serving get the next
 * labels; a deleted or replaced paper leaves an empty label behind (a tombstone) until the next
 * snapshot renumbers the papers.
 */
export class PaperStore {
  private readonly labelById = new Map<string, number>();
  private readonly labelsByDoi = new AliasLabels();
  private readonly labelsByArxivId = new AliasLabels();
  /** The id of every label, tombstones included: hits carry ids without parsing their records. */
  private readonly ids: string[] = [];
  /** A paper, `unparsed` while its line of papers.jsonl is not parsed yet (see load), or undefined for a tombstone. */
  private readonly papers: (Paper | typeof unparsed | undefined)[] = [];
  private file: ScannedPapersFile | undefined;
  private tombstones = 0;

  private constructor() {}

  static fromPapers(papers: readonly Paper[]): PaperStore {
    const store = new PaperStore();
    for (const paper of papers) store.append(paper);
    return store;
  }

  /** Reads papers.jsonl, parsing each record only when it is first needed (see scanPapersFile). */
  static async load(path: string, expectedCount: number): Promise<PaperStore> {
    const file = await scanPapersFile(path);
    if (file.identifiers.length !== expectedCount) {
      throw new AppError('index_corrupt', `${path} holds ${file.identifiers.length} papers, the manifest says ${expectedCount}.`);
    }
    const store = new PaperStore();
    const turn = turnsEvery(loadTurnMs);
    for (const [label, identifiers] of file.identifiers.entries()) {
      await turn();
      store.papers.push(unparsed);
      store.index(label, identifiers);
    }
    store.file = file;
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

  /**
   * Tombstones a label: its paper is no longer found by id or listed. A DOI or arXiv id it shared
   * with other present papers names the newest of those again.
   */
  remove(label: number): void {
    if (this.papers[label] === undefined) return;
    const paper = this.byLabel(label);
    this.papers[label] = undefined;
    this.tombstones++;
    if (this.labelById.get(paper.id) === label) this.labelById.delete(paper.id);
    if (paper.doi) this.labelsByDoi.remove(normalizeDoi(paper.doi), label);
    if (paper.arxiv_id) this.labelsByArxivId.remove(arxivIdWithoutVersion(paper.arxiv_id), label);
  }

  isLive(label: number): boolean {
    return this.papers[label] !== undefined;
  }

  /**
   * The label of a paper named by its id, or by its DOI or arXiv id (`doi:<DOI>`, `arxiv:<arXiv
   * id>` or a link: see identifierKeysOfName) where the record has them (DOIs case-insensitive,
   * arXiv versions ignored; the newest paper wins when several share one). An id that is literally
   * `doi:...` still wins.
   */
  labelOf(name: string): number | undefined {
    const direct = this.labelById.get(name);
    if (direct !== undefined) return direct;
    for (const { field, key } of identifierKeysOfName(name)) {
      const label = (field === 'doi' ? this.labelsByDoi : this.labelsByArxivId).newest(key);
      if (label !== undefined) return label;
    }
    return undefined;
  }

  /** The label of the paper with exactly this id (no doi:/arxiv: forms). */
  labelOfId(id: string): number | undefined {
    return this.labelById.get(id);
  }

  /** The id a label was stored under (also for a tombstone). */
  idOf(label: number): string {
    const id = this.ids[label];
    if (id === undefined) throw new AppError('internal', `No paper stored for label ${label}.`);
    return id;
  }

  /** The paper under a live label; asking for a tombstone or an unused label is a bug. */
  byLabel(label: number): Paper {
    const stored = this.papers[label];
    if (stored === undefined) throw new AppError('internal', `No paper stored for label ${label}.`);
    if (stored !== unparsed) return stored;
    // Set by load, the only source of unparsed labels.
    const paper = parsePaperLine(this.file!, label);
    this.papers[label] = paper;
    return paper;
  }

  /**
   * The record of a live label as JSON text: its line of papers.jsonl as loaded, whether parsed
   * since or not (a loaded label's record never changes: a replaced paper gets a new label), or
   * the paper written while serving, encoded.
   */
  jsonOf(label: number): Buffer {
    const file = this.file;
    if (!file || label >= file.starts.length || !this.isLive(label)) return Buffer.from(JSON.stringify(this.byLabel(label)));
    return file.bytes.subarray(file.starts[label], file.ends[label]);
  }

  /**
   * The facet fields of a live label. A record not parsed yet is read without parsing its
   * abstract and is not kept: facet columns read every record once, and keeping them all parsed
   * would cost the memory lazy parsing saves.
   */
  facetFieldsOf(label: number): FacetFields {
    const stored = this.papers[label];
    if (stored === undefined) throw new AppError('internal', `No paper stored for label ${label}.`);
    if (stored !== unparsed) return stored;
    return parseFacetFieldsOfLine(this.file!, label);
  }

  /** The live papers in label order, with their labels. */
  *entries(from = 0): Generator<[number, Paper]> {
    for (let label = from; label < this.papers.length; label++) {
      if (this.papers[label] !== undefined) yield [label, this.byLabel(label)];
    }
  }

  private index(label: number, { id, doi, arxiv_id }: PaperIdentifiers): void {
    this.ids[label] = id;
    this.labelById.set(id, label);
    if (doi) this.labelsByDoi.add(normalizeDoi(doi), label);
    if (arxiv_id) this.labelsByArxivId.add(arxivIdWithoutVersion(arxiv_id), label);
  }
}

/** Marks a loaded paper whose record is not parsed yet. */
const unparsed = Symbol('unparsed');

/**
 * The labels sharing an alias (a DOI, an arXiv id), oldest first. Nearly every alias names one
 * paper, which is kept as a bare number; only shared ones cost an array.
 */
class AliasLabels {
  private readonly labels = new Map<string, number | number[]>();

  /** Labels are added in increasing order, so the newest is always last. */
  add(alias: string, label: number): void {
    const existing = this.labels.get(alias);
    if (existing === undefined) this.labels.set(alias, label);
    else if (typeof existing === 'number') this.labels.set(alias, [existing, label]);
    else existing.push(label);
  }

  remove(alias: string, label: number): void {
    const existing = this.labels.get(alias);
    if (existing === label) this.labels.delete(alias);
    else if (Array.isArray(existing)) {
      const left = existing.filter((other) => other !== label);
      this.labels.set(alias, left.length === 1 ? left[0]! : left);
    }
  }

  newest(alias: string): number | undefined {
    const existing = this.labels.get(alias);
    return Array.isArray(existing) ? existing.at(-1) : existing;
  }
}
