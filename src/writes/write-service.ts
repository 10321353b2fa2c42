import { randomUUID } from 'node:crypto';
import type { EmbedRequestOptions } from '../embedding/embed-scheduler.js';
import type { Embedder } from '../embedding/embedder.js';
import { embedPapers } from '../embedding/paper-vectors.js';
import { AppError, invalidInput } from '../errors.js';
import { isIdentifierName, paperNotFound } from '../papers/identifiers.js';
import { defaultFieldMap, mapRecordToPaper, paperIdProblem, type MappingResult } from '../papers/paper-record.js';
import type { Paper, TitleOnlyPaperInput } from '../papers/paper.js';
import type { PaperChange, PaperStorage, SnapshotStats } from '../storage/paper-storage.js';
import type { ExistingPaperChoice } from './existing-papers.js';
import { patchedInput, sameText, type PaperPatch } from './paper-patch.js';
import { paperEtag } from '../papers/paper-etag.js';
import { turnsEvery } from '../shared/event-loop-turns.js';
import { assertPreconditions, unmetPrecondition, type PaperState, type Preconditions } from '../papers/preconditions.js';
import { findSharedIdentifiers, type SharedIdentifier } from './shared-identifiers.js';
import { GroupCommit } from './group-commit.js';
import { isWriteEntry, rejectedEntry, type RejectedEntry, type WriteEntry } from './write-entries.js';

/** Papers as written, and those of their DOIs and arXiv ids other papers have too. */
export interface WrittenPapers {
  papers: Paper[];
  shared: SharedIdentifier[];
  /** Ids stored already and left as they were (`keep`). */
  kept: string[];
  /** Ids stored already and replaced (`replace`); their papers are among `papers`. */
  replaced: string[];
}

/** Options of a write of new papers (POST /v1/papers). */
export interface CreateOptions extends WriteOptions {
  onExisting?: ExistingPaperChoice;
}

export interface WrittenPaper {
  paper: Paper;
  shared: SharedIdentifier[];
}

/** How strictly a write takes its papers. */
export interface WriteOptions {
  /** Take a paper that has a title and no abstract (found by its title alone), as ingestion's --allow-title-only does. */
  allowTitleOnly?: boolean;
  /** A write of one named paper (PUT, PATCH, DELETE) made only if the paper is in this state when it commits. */
  preconditions?: Preconditions;
}

/** The paper a patch was read from changed before the patch was committed: read it again. */
class PaperChangedError extends Error {}

/** Thrown by a write's check when every paper of it was kept (see addPapers): nothing is committed. */
class NothingLeftToWrite extends Error {}

/** Attempts of a patch whose paper keeps changing under it before it gives up. */
const patchAttempts = 5;

/**
 * Milliseconds of a write's papers validated and normalized per turn of the event loop: ingestion's
 * mapping costs about a microsecond an author name, and a batch of 1,000 papers of 1,250 authors
 * each held every other request for 1.2 s in one piece.
 */
const mappingTurnMs = 10;

/** Papers of a write sent to the model at a time (their passages and titles: 64 texts, each in a model run of its own by default). */
const papersPerModelRequest = 32;

/**
 * Creates, replaces and deletes papers while the service runs. A paper is validated and
 * normalized exactly as ingestion does it, embedded, then, one write at a time, checked against
 * the papers present and committed to storage, which makes it durable before it is applied.
 * Writes that arrive while a commit is under way are committed together next (group commit):
 * each is checked in arrival order against the papers as the writes before it leave them.
 */
export class WriteService {
  private readonly commits: GroupCommit;
  /** The last patch of each paper being patched (see inPatchTurn). */
  private readonly patchTurns = new Map<string, Promise<void>>();
  /** Every patch not yet answered, for close() to wait for. */
  private readonly patches = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly storage: PaperStorage,
    private readonly embedder: Embedder,
  ) {
    this.commits = new GroupCommit(storage, (id) => this.isStored(id));
  }

  /**
   * Adds new papers, all or none. Absent ids are generated; an id repeated refuses the whole
   * batch, and so does one already present unless `onExisting` keeps or replaces its paper. With
   * `allowTitleOnly`, a paper with a title may have no abstract.
   */
  async createPapers(
    inputs: readonly TitleOnlyPaperInput[],
    options: CreateOptions & { batch: boolean },
    caller?: EmbedRequestOptions,
  ): Promise<WrittenPapers> {
    const papers: Paper[] = [];
    const turn = turnsEvery(mappingTurnMs);
    for (const [i, input] of inputs.entries()) {
      await turn();
      papers.push(toPaper(input, input.id ?? randomUUID(), options.batch ? `papers.${i}` : '', options));
    }
    const repeated = [...new Set(papers.map((paper) => paper.id).filter((id, i, ids) => ids.indexOf(id) !== i))];
    if (repeated.length > 0) {
      throw invalidInput(
        `Ids must be unique within one request (${quoted(repeated)} repeat).`,
        [{ path: 'papers', message: 'duplicate ids', code: 'custom' }],
        {
          ids: repeated,
        },
      );
    }
    return this.addPapers(papers, options.onExisting ?? 'refuse', caller);
  }

  /**
   * Adds the papers that can be added, and says why each other cannot (an invalid field, an id
   * repeated in the write), in the order of `items`: the write's papers, with those the caller
   * already rejected (entries that could not be read) in their places. Fails only when none can be
   * added, or when an id is already stored and `onExisting` is `refuse` (409 for all).
   */
  async createValidPapers(
    items: readonly (WriteEntry | RejectedEntry)[],
    options: CreateOptions,
    caller?: EmbedRequestOptions,
  ): Promise<WrittenPapers & { rejected: RejectedEntry[] }> {
    const papers: Paper[] = [];
    const rejected: RejectedEntry[] = [];
    const firstPosition = new Map<string, string>();
    const turn = turnsEvery(mappingTurnMs);
    for (const item of items) {
      await turn();
      if (!isWriteEntry(item)) {
        rejected.push(item);
        continue;
      }
      const { position, input } = item;
      const mapped = mapInput(input, input.id ?? randomUUID(), options);
      if (!mapped.ok) {
        rejected.push(rejectedEntry(position, input.id, mapped));
        continue;
      }
      const paper = mapped.paper;
      const earlier = firstPosition.get(paper.id);
      if (earlier !== undefined) {
        rejected.push(rejectedEntry(position, paper.id, { reason: 'duplicate_id', message: `the id "${paper.id}" is also the id of ${earlier}` }));
        continue;
      }
      firstPosition.set(paper.id, position);
      papers.push(paper);
    }
    if (papers.length === 0) {
      throw invalidInput(
        `None of the ${rejected.length} papers can be written: ${rejected
          .slice(0, 5)
          .map((entry) => `${entry.position}: ${entry.message}`)
          .join('; ')}${rejected.length > 5 ? '; …' : ''}.`,
        // Each is named by its place in `rejected`; the issues point at the body, as a reference file's do.
        rejected.map((entry) => ({ path: '', message: `${entry.position}: ${entry.message}`, code: entry.reason })),
        { rejected },
      );
    }
    return { ...(await this.addPapers(papers, options.onExisting ?? 'refuse', caller)), rejected };
  }

  /**
   * Adds validated papers with distinct ids, all or none. An id already stored refuses them all
   * (409), or its paper is left out (`keep`) or replaced (`replace`).
   */
  private async addPapers(all: Paper[], onExisting: ExistingPaperChoice, caller: EmbedRequestOptions | undefined): Promise<WrittenPapers> {
    const storedIds = async (papers: readonly Paper[], present: (id: string) => Promise<boolean>) => {
      const stored: string[] = [];
      for (const paper of papers) if (await present(paper.id)) stored.push(paper.id);
      return stored;
    };
    const kept = onExisting === 'keep' ? await storedIds(all, (id) => this.isStored(id)) : [];
    const keptBefore = new Set(kept);
    let papers = all.filter((paper) => !keptBefore.has(paper.id));
    let replaced: string[] = [];
    let changes: PaperChange[] = [];
    const check = async (present: (id: string) => Promise<boolean>) => {
      const stored = await storedIds(papers, present);
      if (stored.length === 0) return;
      if (onExisting === 'replace') replaced = stored;
      else if (onExisting === 'keep') {
        // Written by another request since the first check (a client's retry, most often): kept
        // too, its change taken out of this write before it is applied.
        kept.push(...stored);
        const keptNow = new Set(stored);
        papers = papers.filter((paper) => !keptNow.has(paper.id));
        changes.splice(0, changes.length, ...changes.filter((change) => change.op !== 'put' || !keptNow.has(change.paper.id)));
        if (changes.length === 0) throw new NothingLeftToWrite();
      } else {
        const message = stored.length === 1 ? `A paper with id ${quoted(stored)} already exists.` : `Papers with ids ${quoted(stored)} already exist.`;
        throw new AppError('paper_exists', message, { details: { ids: stored } });
      }
    };
    // Checked before embedding too, so a conflict costs no model call; the check at commit decides.
    if (onExisting === 'refuse') await check((id) => this.isStored(id));
    if (papers.length === 0) return { papers, shared: [], kept, replaced };
    let shared: SharedIdentifier[];
    // Only a replacing write has stored versions to read: a refusing one found none above, and a
    // keeping one left out the papers it found.
    const stored = onExisting === 'replace' ? undefined : papers.map(() => undefined);
    [changes, shared] = await Promise.all([this.changesOf(papers, caller, stored), this.sharedIdentifiers(papers)]);
    try {
      await this.commits.commit(changes, check);
    } catch (error) {
      if (error instanceof NothingLeftToWrite) return { papers: [], shared: [], kept, replaced };
      throw error;
    }
    const written = new Set(papers.map((paper) => paper.id));
    return { papers, shared: shared.filter((notice) => written.has(notice.id)), kept, replaced };
  }

  /**
   * Creates or replaces the paper `name` names: a doi:/arxiv: name or a DOI or arXiv link stands
   * for the stored paper it resolves to; a plain name that resolves to none becomes the new
   * paper's id.
   */
  async putPaper(
    written: string,
    input: TitleOnlyPaperInput,
    caller?: EmbedRequestOptions,
    options: WriteOptions = {},
  ): Promise<WrittenPaper & { created: boolean }> {
    // Ids are stored trimmed, and every route reads a name so (see PaperStorage.resolve).
    const name = written.trim();
    const resolved = await this.storage.resolve(name);
    // A DOI or arXiv name replaces the paper it names; with none, there is nothing to replace and
    // no paper may take such a name as its id.
    if (resolved === undefined && isIdentifierName(name)) {
      throw paperNotFound([name], 'To add it, PUT it under a plain id (or POST it) with the identifier in its doi or arxiv_id field.');
    }
    // The name becomes the new paper's id, so it must be a valid one; the issue is then the request
    // path's (params), not the body's.
    if (resolved === undefined) {
      const idProblem = paperIdProblem(name);
      if (idProblem)
        throw invalidInput(`The path's id "${written}" must be ${idProblem}.`, [{ path: 'params.id', message: `must be ${idProblem}`, code: 'custom' }]);
    }
    const id = resolved ?? name;
    if (input.id !== undefined && input.id !== id) {
      throw invalidInput(`The body's id "${input.id}" differs from the path's "${id}"; leave it out or make them equal.`, [
        { path: 'id', message: 'differs from the path id', code: 'custom' },
      ]);
    }
    const paper = toPaper(input, id, '', options);
    let created = false;
    const [changes, shared] = await Promise.all([this.changesOf([paper], caller), this.sharedIdentifiers([paper])]);
    await this.commits.commit(changes, async (present, written) => {
      if (options.preconditions) assertPreconditions(options.preconditions, await this.stateOf(id, present, written), name);
      created = !(await present(paper.id));
    });
    return { paper, created, shared };
  }

  /**
   * Changes some fields of the paper a name names (a merge patch: see paper-patch.ts) and returns
   * it. Validated as a whole paper would be; a paper whose title and abstract stay keeps its
   * vector (no model call). Committed only if nothing else changed the paper since it was read,
   * else read and patched again. A paper stored by its title alone may stay so without
   * `allowTitleOnly` as long as the patch leaves its abstract alone.
   */
  patchPaper(name: string, patch: PaperPatch, caller?: EmbedRequestOptions, options: WriteOptions = {}): Promise<WrittenPaper> {
    const patched = this.patchNamed(name, patch, caller, options);
    // Followed from the start, so close() waits for a patch still looking its paper up too.
    const answered = patched.then(
      () => undefined,
      () => undefined,
    );
    this.patches.add(answered);
    void answered.then(() => this.patches.delete(answered));
    return patched;
  }

  private async patchNamed(name: string, patch: PaperPatch, caller: EmbedRequestOptions | undefined, options: WriteOptions): Promise<WrittenPaper> {
    const id = await this.storage.resolve(name);
    if (id === undefined) throw missingPaper(name, options);
    if (patch.id !== undefined && patch.id !== id) {
      throw invalidInput(
        `The body's id "${patch.id}" differs from the paper's "${id}"; a patch cannot change an id (PUT the paper under the new id and delete this one).`,
        [{ path: 'id', message: 'differs from the paper id', code: 'custom' }],
      );
    }
    return this.inPatchTurn(id, () => this.applyPatch(name, id, patch, caller, options));
  }

  /**
   * Runs the patches of one paper one at a time, each reading the paper the one before left: side
   * by side, all but one of them would find the paper changed at commit, and with a dozen at once
   * some would run out of attempts (503). A PUT or a DELETE of the paper can still come between a read and
   * its commit, which the attempts cover.
   */
  private inPatchTurn<T>(id: string, task: () => Promise<T>): Promise<T> {
    const result = (this.patchTurns.get(id) ?? Promise.resolve()).then(() => {
      if (this.closed) throw new AppError('shutting_down');
      return task();
    });
    const turn = result.then(
      () => undefined,
      () => undefined,
    );
    this.patchTurns.set(id, turn);
    void turn.then(() => {
      if (this.patchTurns.get(id) === turn) this.patchTurns.delete(id);
    });
    return result;
  }

  private async applyPatch(name: string, id: string, patch: PaperPatch, caller: EmbedRequestOptions | undefined, options: WriteOptions): Promise<WrittenPaper> {
    for (let attempt = 1; ; attempt++) {
      const [current] = await this.storage.papers([id]);
      if (current === undefined) throw missingPaper(name, options);
      // Checked on the paper as read: the commit below makes sure it has not changed since.
      if (options.preconditions) assertPreconditions(options.preconditions, { present: true, etag: paperEtag(current) }, name);
      const keepsTitleOnly = current.abstract === '' && patch.abstract === undefined;
      const paper = toPaper(patchedInput(current, patch), id, '', { allowTitleOnly: options.allowTitleOnly || keepsTitleOnly });
      const changes = await this.changesOf([paper], caller, [current]);
      // Any write of the paper makes it the one its identifiers name: a patch of its venue moves them too.
      const shared = await this.sharedIdentifiers([paper]);
      try {
        await this.commits.commit(changes, async (present, written) => {
          if (written(id) !== undefined || !(await present(id))) throw new PaperChangedError();
          const [now] = await this.storage.papers([id]);
          if (JSON.stringify(now) !== JSON.stringify(current)) throw new PaperChangedError();
        });
        return { paper, shared };
      } catch (error) {
        if (!(error instanceof PaperChangedError)) throw error;
        if (attempt >= patchAttempts) {
          throw new AppError('overloaded', `The paper "${id}" kept changing while the patch was applied; try again.`, { retryAfterSeconds: 1 });
        }
        // The change that came first is committed in this turn: read the paper once it is applied.
        await this.commits.idle();
      }
    }
  }

  /** Deletes the paper a name names; returns its id. */
  async deletePaper(name: string, options: Pick<WriteOptions, 'preconditions'> = {}): Promise<string> {
    const id = await this.storage.resolve(name);
    if (id === undefined) throw missingPaper(name, options);
    await this.commits.commit([{ op: 'delete', id }], async (present, written) => {
      if (options.preconditions) assertPreconditions(options.preconditions, await this.stateOf(id, present, written), name);
      if (!(await present(id))) throw paperNotFound([name]);
    });
    return id;
  }

  /**
   * The paper's state for a write's conditions, as the writes committed before it in its group
   * leave it: the version one of them wrote, else the stored one.
   */
  private async stateOf(id: string, present: (id: string) => Promise<boolean>, written: (id: string) => Paper | null | undefined): Promise<PaperState> {
    if (!(await present(id))) return { present: false };
    const current = written(id) ?? (await this.storage.papers([id]))[0];
    return { present: true, etag: current && paperEtag(current) };
  }

  /** Folds every write so far into the stored collection now (see PaperStorage.snapshot). */
  async snapshot(): Promise<SnapshotStats> {
    await this.storage.snapshot();
    return (await this.storage.stats()).snapshots;
  }

  /** Refuses writes from now on; those already committing finish, and patches waiting their turn are refused. */
  async close(): Promise<void> {
    this.closed = true;
    this.commits.close();
    await Promise.all(this.patches);
    await this.commits.idle();
  }

  /**
   * A write's texts queue for the model in its caller's turn but without the caller's deadline:
   * a batch of up to 1,000 papers takes longer than REQUEST_TIMEOUT_MS at the model's rate (a
   * minute or more on two cores), so a deadline would refuse it every time, however often it was
   * retried. Writes need a key and are bounded in size, and their client waits for the answer.
   * The papers go to the model a few at a time: a whole batch would fill the model's queue
   * (EMBED_QUEUE_MAX_TOKENS) and every other client's search would be refused until it was done.
   */
  /**
   * The changes writing `papers`: a paper whose title and abstract are those of its stored version
   * keeps that version's vector (a text gets the same vector every time it is embedded), so a patch
   * of other fields, or a client sending its library again, costs no model call.
   */
  private async changesOf(papers: readonly Paper[], caller: EmbedRequestOptions | undefined, stored?: readonly (Paper | undefined)[]): Promise<PaperChange[]> {
    const versions = stored ?? (await this.storage.papers(papers.map((paper) => paper.id)));
    const sameTextIds = papers.filter((paper, i) => versions[i] !== undefined && sameText(paper, versions[i]!)).map((paper) => paper.id);
    const storedVectors = sameTextIds.length === 0 ? [] : await this.storage.vectors(sameTextIds);
    const vectors = new Map(sameTextIds.flatMap((id, i) => (storedVectors[i] ? [[id, storedVectors[i]] as const] : [])));
    const unembedded = papers.filter((paper) => !vectors.has(paper.id));
    (await this.embed(unembedded, caller)).forEach((vector, i) => vectors.set(unembedded[i]!.id, vector));
    return papers.map((paper) => ({ op: 'put', paper, vector: vectors.get(paper.id)! }));
  }

  /** The vectors of `papers`, in calls of at most papersPerModelRequest papers. */
  private async embed(papers: readonly Paper[], caller: EmbedRequestOptions | undefined): Promise<Float32Array[]> {
    const request = caller?.client === undefined ? {} : { client: caller.client };
    const vectors: Float32Array[] = [];
    for (let start = 0; start < papers.length; start += papersPerModelRequest) {
      vectors.push(...(await embedPapers(this.embedder, papers.slice(start, start + papersPerModelRequest), request)));
    }
    return vectors;
  }

  private sharedIdentifiers(papers: readonly Paper[]): Promise<SharedIdentifier[]> {
    return findSharedIdentifiers(papers, (name) => this.storage.resolve(name));
  }

  /** Whether a paper has exactly this id (not merely a DOI or arXiv id that reads like it). */
  private async isStored(id: string): Promise<boolean> {
    return (await this.storage.resolve(id)) === id;
  }
}

/** Ingestion's mapping, so a written paper is normalized exactly like an ingested one. */
function toPaper(input: TitleOnlyPaperInput, id: string, path: string, options: WriteOptions): Paper {
  const mapped = mapInput(input, id, options);
  if (mapped.ok) return mapped.paper;
  const field = [path, mapped.field].filter(Boolean).join('.');
  throw invalidInput(`Invalid paper${path ? ` at ${path}` : ''}: ${mapped.message}.`, [{ path: field, message: mapped.message, code: 'custom' }]);
}

/** The stored form of a written paper, or why it cannot be one (the field at fault, where there is one). */
function mapInput(input: TitleOnlyPaperInput, id: string, options: WriteOptions): MappingResult {
  const mapped = mapRecordToPaper({ ...input, id }, defaultFieldMap, { allowTitleOnly: options.allowTitleOnly ?? false });
  if (mapped.ok || mapped.field !== undefined || mapped.reason !== 'missing_abstract') return mapped;
  return { ...mapped, field: 'abstract' };
}

/** A paper a write names but no paper answers to: 404, or 412 when the write asked for a stored version (If-Match). */
function missingPaper(name: string, options: Pick<WriteOptions, 'preconditions'>): AppError {
  return unmetPrecondition(options.preconditions ?? {}, { present: false }, name) ?? paperNotFound([name]);
}

function quoted(ids: readonly string[]): string {
  return ids.map((id) => `"${id}"`).join(', ');
}
