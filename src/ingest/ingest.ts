import type { StorageSettings } from '../config/config.js';
import type { Embedder } from '../embedding/embedder.js';
import { embedPapers } from '../embedding/paper-vectors.js';
import { AppError } from '../errors.js';
import { createCollectionBuilder } from '../storage/open-storage.js';
import type { BuiltCollection, CollectionBuilder } from '../storage/paper-storage.js';
import type { Logger } from '../log.js';
import type { Paper } from '../papers/paper.js';
import { defaultFieldMap, type FieldMap } from '../papers/paper-record.js';
import type { ProgressReporter } from './progress.js';
import { namesOf } from './input-files.js';
import { papersOfInput, remedyFor, tallyRejection, tallyShared, type Rejection, type RejectionTally, type SharedIdentifierTally } from './input-papers.js';
import { inputIdentifierTracker } from '../writes/shared-identifiers.js';
import { openRecordSource, type InputFormat } from './record-readers.js';

export interface IngestOptions {
  input: string;
  /** What messages and the manifest call the input, when not its path (standard input is read from a private copy). */
  inputName?: string;
  format: InputFormat;
  indexDir: string;
  fields?: FieldMap;
  /** Stop at the first rejected record instead of reporting it and going on. */
  strict?: boolean;
  /** Index records without an abstract by their title alone instead of rejecting them. */
  allowTitleOnly?: boolean;
  /** Semantic Scholar's abstracts dataset, joined to the papers input (format semantic-scholar). */
  abstracts?: string;
  /**
   * Papers collected before embedding; memory stays bounded by it. Within a group texts are
   * embedded shortest first, so a model run of several texts (EMBED_BATCH_SIZE above 1) holds
   * texts of similar length and little padding.
   */
  groupSize?: number;
  /** Where the collection is built (absent: an embedded index folder). */
  storage?: StorageSettings;
  /** Aborted to stop (a signal): the build is abandoned before the next group, and what it replaces is left as it was. */
  signal?: AbortSignal;
  log: Logger;
  progress?: ProgressReporter;
}

/** `rejectionExamples`, `sharedExamples`: the first rejections and shared identifiers, for the report; all of them are logged. */
export interface IngestSummary extends RejectionTally, SharedIdentifierTally {
  input: string;
  indexDir: string;
  read: number;
  indexed: number;
  seconds: number;
  papersPerSecond: number;
  collection: BuiltCollection;
}

/** Reads a papers file, validates and embeds each paper, and builds a new index folder. */
export async function ingestPapers(embedder: Embedder, options: IngestOptions): Promise<IngestSummary> {
  const started = performance.now();
  const fields = options.fields ?? defaultFieldMap;
  const groupSize = options.groupSize ?? 256;
  const source = await openRecordSource(options.input, options.format, { abstracts: options.abstracts });
  const inputName = options.inputName ?? options.input;
  if (source.skipped.length > 0) {
    options.log.warn(
      { skipped: source.skipped.length },
      `${namesOf(source.skipped)} in ${inputName} ${source.skipped.length === 1 ? 'is' : 'are'} not read: a folder's files are read as parts of one ${source.format} input (.jsonl, .ndjson, .json, .gz); add the others to the running server with paper-search add`,
    );
  }
  // A build run on its own: its finish may take a second core (the model's are idle by then).
  const writer = await createCollectionBuilder(options.indexDir, embedder.model, options.storage, { log: options.log });
  const tally: RejectionTally = { rejected: {}, rejectionExamples: [] };
  const { rejected, rejectionExamples } = tally;
  const sharing: SharedIdentifierTally = { shared: new Set(), sharedExamples: [] };
  const sharedInInput = inputIdentifierTracker();
  let read = 0;
  let papersRead = 0;
  let group: Paper[] = [];

  const reject = (rejection: Rejection) => {
    tallyRejection(tally, rejection);
    options.log.warn(rejection, 'record rejected');
    if (options.strict) {
      throw new AppError('input_rejected', `${inputName} ${rejection.position}: ${rejection.message} (${rejection.reason}); stopped because of --strict.`, {
        details: rejection,
      });
    }
  };
  const stopIfAsked = () => {
    if (options.signal?.aborted) {
      throw new AppError(
        'interrupted',
        `Stopped by ${String(options.signal.reason)} after ${writer.size} papers: the new build was abandoned, and the index it was to replace left as it was.`,
      );
    }
  };
  // One group is embedded while the one before it is added to the index: the model and the
  // index work (graph inserts, BM25, the store) then overlap instead of taking turns. The next
  // group is sent only once the previous one's vectors are in, so the model's queue never holds
  // two groups (together they could overflow it, and it would refuse the second).
  let embedding: EmbeddingGroup | undefined;
  const flush = async () => {
    stopIfAsked();
    const previous = embedding;
    const vectors = previous ? await previous.vectors : [];
    const notices = sharedInInput(group);
    for (const notice of notices) options.log.warn(notice, 'identifier shared');
    tallyShared(sharing, notices);
    embedding = startEmbedding(embedder, group);
    group = [];
    if (previous) await addGroup(writer, previous.papers, vectors);
    options.progress?.update({ indexed: writer.size, papersRead, inputShareRead: source.totalBytes > 0 ? source.bytesRead() / source.totalBytes : 1 });
  };

  try {
    for await (const { paper, rejection } of papersOfInput(source, { fields, allowTitleOnly: options.allowTitleOnly ?? false })) {
      read++;
      if (rejection) {
        reject(rejection);
        continue;
      }
      papersRead++;
      group.push(paper);
      if (group.length >= groupSize) await flush();
    }
    await flush();
    await flush(); // adds the last group
    if (writer.size === 0) {
      throw new AppError(
        'input_rejected',
        `No paper in ${inputName} could be indexed (${read} record${read === 1 ? '' : 's'} read${firstRejection(rejectionExamples)}); the existing index, if any, was left as it was.${remedyFor(rejected, { allowTitleOnly: options.allowTitleOnly ?? false })}`,
        {
          details: {
            rejected,
            rejectionExamples,
          },
        },
      );
    }
    // Finishing takes a while at scale (about two minutes at 75,000 papers): say what is happening.
    options.log.info(
      { papers: writer.size },
      options.storage?.BACKEND === 'weaviate'
        ? 'every paper embedded; checking the new collection and publishing it'
        : 'every paper embedded; writing the index (graph, related lists, BM25, map)',
    );
    // Past this point the build is written and published whole: a stop asked for during it comes too late.
    stopIfAsked();
    const collection = await writer.finish({ input: inputName, read, rejected: read - writer.size });
    if (collection.keptEmbeddedIndex) {
      options.log.warn(
        { keptAs: collection.keptEmbeddedIndex },
        `the folder held an embedded index; the Weaviate collection holds the input's papers only, so the embedded index was kept as ${collection.keptEmbeddedIndex}, with every paper it held at its last snapshot (see docs/scaling-out.md, "Moving an index to Weaviate")`,
      );
    }
    if (collection.keptPrevious) {
      options.log.warn(
        collection.keptPrevious,
        `${
          collection.keptPrevious.writes === null
            ? 'the index served before is one this version cannot read (another version built it), which may hold writes made through the API'
            : `the index served before took ${collection.keptPrevious.writes} write(s) through the API after it was built`
        }, which the input does not hold: it was kept as ${collection.keptPrevious.collection}, no longer served (see docs/operations.md, "Rebuilding an index")`,
      );
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      input: inputName,
      indexDir: options.indexDir,
      read,
      indexed: writer.size,
      rejected,
      rejectionExamples,
      ...sharing,
      seconds,
      papersPerSecond: writer.size / seconds,
      collection,
    };
  } catch (error) {
    await writer.abort();
    throw error;
  } finally {
    options.progress?.stop();
  }
}

/** A group of papers and their vectors to come. */
interface EmbeddingGroup {
  papers: readonly Paper[];
  vectors: Promise<Float32Array[]>;
}

/** Starts embedding a group (the embedder batches it by length); undefined for no papers. */
function startEmbedding(embedder: Embedder, papers: readonly Paper[]): EmbeddingGroup | undefined {
  if (papers.length === 0) return undefined;
  const vectors = embedPapers(embedder, papers);
  // Awaited before the group is added; should the build fail before that, its failure is the one reported.
  vectors.catch(() => undefined);
  return { papers, vectors };
}

/** Adds an embedded group's papers in input order. */
async function addGroup(writer: CollectionBuilder, papers: readonly Paper[], vectors: readonly Float32Array[]): Promise<void> {
  for (let i = 0; i < papers.length; i++) await writer.add(papers[i]!, vectors[i]!);
}

/** The first rejection, said in the one line a failed run ends with: the log lines above it are easy to miss. */
function firstRejection(examples: readonly Rejection[]): string {
  const first = examples[0];
  return first ? `; the first, at ${first.position}: ${first.message} (${first.reason})` : '';
}
