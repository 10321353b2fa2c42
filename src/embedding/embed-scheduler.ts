import { AppError } from '../errors.js';

/** Who asks, and by when the answer is still of use. */
export interface EmbedRequestOptions {
  /** Requests of different clients are served in turn, so one client's flood cannot starve another's query. */
  client?: string;
  /** `performance.now()` time after which the answer is of no use; the request is refused rather than kept waiting. */
  deadline?: number;
  /** Aborted when the answer is of no use any more (its client hung up): its texts still queued are dropped. */
  signal?: AbortSignal;
  /**
   * Each text in a model run of its own, never beside another text: the int8 model quantizes
   * activations per run, so a text's vector otherwise depends on what shares its run (a search's
   * results on what else was in flight). Such a text gets a model call of its own, unless the model
   * runs every text alone anyway (see SchedulerOptions.textsRunAlone). Queries always are.
   */
  alone?: boolean;
}

export type TextKind = 'query' | 'passage';

/** One model call: texts of one kind, at most the batch size. */
export interface ModelBatch {
  kind: TextKind;
  texts: string[];
}

export interface SchedulerOptions {
  /** Texts per model call. */
  batchSize: number;
  /**
   * The model runs each text of a call alone (see EmbedRequestOptions.alone), so passages that
   * must be embedded alone may share a call: what they would share is only the message to the
   * worker. Queries keep a call each, so that each search goes on as soon as its vector is ready.
   */
  textsRunAlone?: boolean;
  /**
   * Model calls that may run at once (one per model worker; see setConcurrency). Queued texts are
   * shared among the calls that start together, so two workers split a burst instead of one
   * taking it all.
   */
  concurrency?: number;
  /**
   * Calls of queries that may run at once (at most `concurrency`). A search goes on to the
   * indexes on the main thread with its query's vector: on a machine with as many model threads
   * as cores, query calls on every core would take the core that work needs (see modelThreads).
   */
  queryConcurrency?: number;
  /**
   * Estimated tokens per model call (a text longer than this goes alone): a request that arrives
   * while the model is busy waits for the call in progress, so this bounds that wait.
   */
  maxBatchTokens: number;
  /** Estimated tokens the queue may hold; a request that would overflow it is refused at once. */
  maxQueuedTokens: number;
  /** The model's work for a text, in tokens (an estimate: the tokenizer runs in the worker). */
  costOf: (text: string, kind: TextKind) => number;
  /** Tokens per second assumed until model calls have been timed. */
  initialTokensPerSecond: number;
  observer?: SchedulerObserver;
  now?: () => number;
}

/** Why the scheduler refuses a request (503 overloaded). */
export const modelRefusals = ['queue_full', 'deadline'] as const;
export type ModelRefusal = (typeof modelRefusals)[number];

/** What the scheduler reports, for metrics. */
export interface SchedulerObserver {
  queueChanged?(texts: number, tokens: number): void;
  /** A text's wait between its arrival and its model call. */
  waited?(seconds: number): void;
  batchDone?(texts: number, tokens: number, seconds: number): void;
  refused?(reason: ModelRefusal): void;
}

/** Model calls of fewer tokens than this do not update the measured rate. */
const minimumTimedTokens = 256;
/** Clients remembered between visits before those with nothing queued are forgotten. */
const maxRememberedClients = 1_000;

interface Job {
  kind: TextKind;
  /** Its texts are embedded one per model run (see EmbedRequestOptions.alone). */
  alone: boolean;
  client: string;
  /** Where its texts start and end in fair order (their client's finish tag once queued). */
  firstStart: number;
  end: number;
  /** Stops listening for its client hanging up, once settled. */
  release: () => void;
  vectors: (Float32Array | undefined)[];
  waiting: number;
  /** Its texts still in the queue, and their cost: taken off the queue's counts when it settles. */
  queuedTexts: number;
  queuedCost: number;
  deadline: number;
  arrivedAt: number;
  settled: boolean;
  timer: NodeJS.Timeout | undefined;
  resolve: (vectors: Float32Array[]) => void;
  reject: (error: unknown) => void;
}

interface QueuedText {
  job: Job;
  index: number;
  text: string;
  cost: number;
  /** Start tag of start-time fair queueing: texts are served in this order, those of one tag in order of arrival. */
  start: number;
}

/**
 * Puts texts to the model in a fair order, a batch at a time, with admission control.
 *
 * Fairness is start-time fair queueing over clients, weighted by each text's token cost: a
 * client's texts get consecutive virtual start tags from where its previous text ended (or from
 * the current virtual time, if it had nothing queued), and texts are served in tag order. A client
 * flooding the model with long texts therefore advances its own tags far ahead, and a single query
 * from another client is served in the next model call.
 *
 * Overload is answered at once: a request that would overflow the queue, or whose texts are
 * predicted to wait past its deadline (the work queued ahead of them at the measured model rate),
 * is refused with `overloaded` and a Retry-After estimate; a request still waiting at its deadline
 * is refused then. A model call under way is never interrupted.
 */
export class EmbedScheduler {
  /**
   * Texts in fair order (start tag, then arrival), kept so as they are queued: a model call takes
   * its texts from the front, however long the queue. Texts of settled jobs stay until a call
   * passes them or they outnumber the live ones (see forgetSettled).
   */
  private readonly queue: QueuedText[] = [];
  /** Where the queue begins: the texts before it were taken, and are cut off once they are half the array. */
  private front = 0;
  private settledInQueue = 0;
  private readonly queuedTexts: Record<TextKind, number> = { query: 0, passage: 0 };
  private queuedTokens = 0;
  private virtualTime = 0;
  private readonly lastFinish = new Map<string, number>();
  private running = 0;
  private runningQueries = 0;
  private concurrency: number;
  /** Jobs whose vectors are all in, waiting for their turn to be answered (see answerNext). */
  private readonly answered: Job[] = [];
  private closedWith: Error | undefined;
  private tokensPerSecond: number;
  private readonly now: () => number;

  constructor(
    private readonly run: (batch: ModelBatch) => Promise<Float32Array[]>,
    private readonly options: SchedulerOptions,
  ) {
    this.tokensPerSecond = options.initialTokensPerSecond;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.now = options.now ?? (() => performance.now());
  }

  /** Texts and estimated tokens waiting for the model. */
  get depth(): { texts: number; tokens: number } {
    return { texts: this.liveTexts, tokens: this.queuedTokens };
  }

  /** The model's measured rate, tokens per second. */
  get rate(): number {
    return this.tokensPerSecond;
  }

  submit(kind: TextKind, texts: readonly string[], request: EmbedRequestOptions = {}): Promise<Float32Array[]> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (texts.length === 0) return Promise.resolve([]);
    if (request.signal?.aborted) return Promise.reject(clientGone());
    const now = this.now();
    const client = request.client ?? '';
    const requestedDeadline = request.deadline ?? Number.POSITIVE_INFINITY;
    // A request's own texts are served shortest first, so a model call pads them little; their
    // vectors are put back in the request's order.
    const order = texts.map((text, index) => ({ text, index, cost: Math.max(1, this.options.costOf(text, kind)) })).sort((a, b) => a.cost - b.cost);
    const costs = order.map((item) => item.cost);
    const tokens = costs.reduce((sum, cost) => sum + cost, 0);
    if (this.queuedTokens > 0 && this.queuedTokens + tokens > this.options.maxQueuedTokens) {
      return Promise.reject(this.refusal('queue_full', this.queuedTokens + tokens - this.options.maxQueuedTokens));
    }
    // Where this client's texts would start and end in fair order, and the work served before them.
    let start = Math.max(this.virtualTime, this.lastFinish.get(client) ?? 0);
    const starts = costs.map((cost) => {
      const tag = start;
      start += cost;
      return tag;
    });
    const lastStart = starts.at(-1)!;
    const ahead = this.queuedTokensFrom(lastStart) + tokens;
    const predictedMs = (1000 * ahead) / this.tokensPerSecond;
    // With the model idle, a request too large to be answered by its deadline runs anyway, and
    // without one (fair turns may let other clients' requests go first): refused, it could never
    // run, and was told to try again.
    const idle = this.liveTexts === 0 && this.running === 0;
    const late = now + predictedMs > requestedDeadline;
    if (late && !idle) return Promise.reject(this.refusal('deadline', ahead));
    const deadline = late ? Number.POSITIVE_INFINITY : requestedDeadline;

    return new Promise((resolve, reject) => {
      const job: Job = {
        kind,
        alone: kind === 'query' || request.alone === true,
        client,
        firstStart: starts[0]!,
        end: start,
        release: () => undefined,
        vectors: new Array(texts.length),
        waiting: texts.length,
        queuedTexts: texts.length,
        queuedCost: tokens,
        deadline,
        arrivedAt: now,
        settled: false,
        timer: undefined,
        resolve,
        reject,
      };
      if (Number.isFinite(deadline)) {
        job.timer = setTimeout(() => this.expire(job), Math.max(0, deadline - now));
        job.timer.unref();
      }
      const signal = request.signal;
      if (signal) {
        const hungUp = () => this.drop(job, clientGone());
        signal.addEventListener('abort', hungUp, { once: true });
        job.release = () => signal.removeEventListener('abort', hungUp);
      }
      this.lastFinish.set(client, start);
      order.forEach((item, position) => this.enqueue({ job, index: item.index, text: item.text, cost: item.cost, start: starts[position]! }));
      this.queuedTexts[kind] += texts.length;
      this.queuedTokens += tokens;
      this.options.observer?.queueChanged?.(this.liveTexts, this.queuedTokens);
      this.pump();
    });
  }

  /**
   * How many model calls may run at once from now on: the workers that are up, so that no call
   * waits for a worker being restarted while another is free (at least one: with none up, the
   * next call waits for the first to come back). Calls already running go on.
   */
  setConcurrency(calls: number): void {
    this.concurrency = Math.max(1, calls);
    this.pump();
  }

  /** Refuses everything queued and every later request with `error` (the model is gone or stopping). */
  close(error: Error): void {
    this.closedWith = error;
    for (const queued of this.queue.splice(0).slice(this.front)) this.settle(queued.job, error);
    this.front = 0;
    this.settledInQueue = 0;
    this.queuedTokens = 0;
    this.options.observer?.queueChanged?.(0, 0);
  }

  private pump(): void {
    const concurrency = this.concurrency;
    while (this.running < concurrency && !this.closedWith) {
      const freeCalls = {
        query: Math.min(concurrency, this.options.queryConcurrency ?? concurrency) - this.runningQueries,
        passage: concurrency - this.running,
      };
      freeCalls.query = Math.min(freeCalls.query, freeCalls.passage);
      const batch = this.nextBatch(freeCalls);
      if (batch.length === 0) return;
      // The calls of its kind that run side by side: queries have fewer.
      this.start(batch, batch[0]!.job.kind === 'query' ? Math.min(concurrency, this.options.queryConcurrency ?? concurrency) : concurrency);
    }
  }

  private start(batch: QueuedText[], sideBySide: number): void {
    const kind = batch[0]!.job.kind;
    const startedAt = this.now();
    const tokens = batch.reduce((sum, queued) => sum + queued.cost, 0);
    for (const queued of batch) this.options.observer?.waited?.((startedAt - queued.job.arrivedAt) / 1000);
    this.running++;
    if (kind === 'query') this.runningQueries++;
    const finished = () => {
      this.running--;
      if (kind === 'query') this.runningQueries--;
      this.pump();
    };
    this.run({ kind, texts: batch.map((queued) => queued.text) }).then(
      (vectors) => {
        const seconds = (this.now() - startedAt) / 1000;
        // Small calls are mostly fixed overhead and would understate the rate. Calls run side by
        // side, so the model's rate is theirs together (no more query calls than queryConcurrency).
        if (seconds > 0 && tokens >= minimumTimedTokens) this.tokensPerSecond = 0.8 * this.tokensPerSecond + 0.2 * ((sideBySide * tokens) / seconds);
        this.options.observer?.batchDone?.(batch.length, tokens, seconds);
        batch.forEach((queued, i) => this.deliver(queued, vectors[i]!));
        finished();
      },
      (error: unknown) => {
        for (const queued of batch) this.settle(queued.job, error);
        finished();
      },
    );
  }

  /**
   * Up to a batch of texts of one kind (by count and by tokens): the run of that kind from the
   * first text in fair order, skipping texts of requests already answered. Texts of that kind
   * queued are shared evenly between the calls of that kind that may start now (`freeCalls`), so
   * idle workers split a burst. Kinds with no call free are passed over (queries wait for the
   * query call under way, not for the passages behind them).
   */
  private nextBatch(freeCalls: Record<TextKind, number>): QueuedText[] {
    const queue = this.queue;
    let kind: TextKind | undefined;
    for (let i = this.front; i < queue.length && !kind; i++) if (!queue[i]!.job.settled && freeCalls[queue[i]!.job.kind] > 0) kind = queue[i]!.job.kind;
    const most = kind ? Math.min(this.options.batchSize, Math.ceil(this.queuedTexts[kind] / freeCalls[kind])) : 0;
    const batch: QueuedText[] = [];
    // Texts passed over (their kind has no call free) stay, in order, ahead of those not reached.
    const passed: QueuedText[] = [];
    let batchTokens = 0;
    let reached = this.front;
    for (; kind && reached < queue.length; reached++) {
      const queued = queue[reached]!;
      if (queued.job.settled) {
        this.settledInQueue--;
        continue;
      }
      if (freeCalls[queued.job.kind] <= 0) {
        passed.push(queued);
        continue;
      }
      const joins = queued.job.kind === batch[0]?.job.kind && !this.needsOwnCall(queued.job) && !this.needsOwnCall(batch[0].job);
      if (batch.length > 0 && (!joins || batchTokens + queued.cost > this.options.maxBatchTokens)) break;
      batch.push(queued);
      batchTokens += queued.cost;
      this.taken(queued);
      if (batch.length >= most || this.needsOwnCall(queued.job)) {
        reached++;
        break;
      }
    }
    this.front = reached - passed.length;
    for (let i = 0; i < passed.length; i++) queue[this.front + i] = passed[i]!;
    if (this.front > 1_024 && this.front * 2 > queue.length) {
      queue.copyWithin(0, this.front);
      queue.length -= this.front;
      this.front = 0;
    }
    if (batch.length > 0) this.virtualTime = Math.max(this.virtualTime, batch.at(-1)!.start);
    // A client whose work all lies behind the virtual time is as one with nothing queued.
    if (this.lastFinish.size > maxRememberedClients) {
      for (const [client, finish] of this.lastFinish) if (finish <= this.virtualTime) this.lastFinish.delete(client);
    }
    this.options.observer?.queueChanged?.(this.liveTexts, this.queuedTokens);
    return batch;
  }

  /** Texts waiting for the model, those of settled jobs left out. */
  private get liveTexts(): number {
    return this.queuedTexts.query + this.queuedTexts.passage;
  }

  /** Puts a text in its place in fair order: after every text that starts before it or with it (those arrived earlier). */
  private enqueue(text: QueuedText): void {
    const place = this.placeAfterStart(text.start);
    if (place === this.queue.length) this.queue.push(text);
    else this.queue.splice(place, 0, text);
  }

  /** Where the queued texts that start after `start` begin (the queue is in order of start, then arrival). */
  private placeAfterStart(start: number): number {
    const queue = this.queue;
    let low = this.front;
    let high = queue.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (queue[middle]!.start <= start) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /**
   * The tokens of the live texts that start no later than `start`, counted on the shorter side of
   * its place in the queue: a client flooding the model queues at the back, a newcomer near the
   * front, and neither's request walks the whole queue.
   */
  private queuedTokensFrom(start: number): number {
    const queue = this.queue;
    const low = this.placeAfterStart(start);
    const liveCost = (from: number, to: number) => {
      let sum = 0;
      for (let i = from; i < to; i++) if (!queue[i]!.job.settled) sum += queue[i]!.cost;
      return sum;
    };
    return low - this.front <= queue.length - low ? liveCost(this.front, low) : this.queuedTokens - liveCost(low, queue.length);
  }

  /** A text leaves the queue's counts for a model call. */
  private taken(queued: QueuedText): void {
    queued.job.queuedTexts--;
    queued.job.queuedCost -= queued.cost;
    this.queuedTexts[queued.job.kind]--;
    this.queuedTokens -= queued.cost;
  }

  /**
   * Takes the texts of settled jobs out of the queue once they outnumber the live ones: a client
   * that sends requests and gives them up (or lets them expire) faster than the model serves the
   * front would otherwise grow the queue without bound, though its counts stay within theirs.
   */
  private forgetSettled(): void {
    if (this.settledInQueue <= Math.max(1_024, this.liveTexts)) return;
    const queue = this.queue;
    let kept = 0;
    for (let i = this.front; i < queue.length; i++) if (!queue[i]!.job.settled) queue[kept++] = queue[i]!;
    queue.length = kept;
    this.front = 0;
    this.settledInQueue = 0;
  }

  /** Whether the job's texts go in calls of their own, one text each (see `alone` and `textsRunAlone`). */
  private needsOwnCall(job: Job): boolean {
    return job.alone && !(this.options.textsRunAlone && job.kind === 'passage');
  }

  private deliver(queued: QueuedText, vector: Float32Array): void {
    const { job } = queued;
    if (job.settled) return;
    job.vectors[queued.index] = vector;
    if (--job.waiting === 0) {
      job.settled = true;
      clearTimeout(job.timer);
      job.release();
      this.answered.push(job);
      if (this.answered.length === 1) setImmediate(this.answerNext);
    }
  }

  /**
   * Hands answered jobs their vectors one per turn of the event loop. What a caller does with
   * its vectors (a search's index lookups) runs synchronously, and a whole batch's worth run as
   * one stretch of promise callbacks would keep the event loop from reading new requests until
   * the last: the model would sit idle through all of them, then the main thread through the
   * next model call. Between two answers the loop reads what arrived, and the model starts on it.
   */
  private readonly answerNext = (): void => {
    const job = this.answered.shift();
    if (this.answered.length > 0) setImmediate(this.answerNext);
    job?.resolve(job.vectors as Float32Array[]);
  };

  private expire(job: Job): void {
    if (job.settled) return;
    this.drop(job, this.refusal('deadline', this.queuedTokens));
  }

  /**
   * Settles a job no one waits for any more, its texts still queued off the queue's counts now, so
   * that they neither count against the queue's bound (refusing live requests) nor delay anyone's
   * estimate; texts already in a model call finish there, unused.
   */
  private drop(job: Job, error: unknown): void {
    if (job.settled) return;
    const freed = job.queuedCost;
    this.settle(job, error);
    if (freed === 0) return;
    // Its client's place in line goes back to where this job began, if nothing was queued after it.
    if (this.lastFinish.get(job.client) === job.end) this.lastFinish.set(job.client, Math.max(this.virtualTime, job.firstStart));
    this.options.observer?.queueChanged?.(this.liveTexts, this.queuedTokens);
  }

  /** Settles a job; its texts still queued leave the queue's counts now, and the queue when a call passes them. */
  private settle(job: Job, error: unknown): void {
    if (job.settled) return;
    job.settled = true;
    this.queuedTexts[job.kind] -= job.queuedTexts;
    this.queuedTokens -= job.queuedCost;
    this.settledInQueue += job.queuedTexts;
    job.queuedTexts = 0;
    job.queuedCost = 0;
    clearTimeout(job.timer);
    job.release();
    job.reject(error);
    this.forgetSettled();
  }

  private refusal(reason: ModelRefusal, tokens: number): AppError {
    this.options.observer?.refused?.(reason);
    const retryAfter = Math.max(1, Math.ceil(tokens / this.tokensPerSecond));
    return new AppError(
      'overloaded',
      reason === 'queue_full'
        ? 'The model has more work queued than it takes; try again shortly.'
        : 'The model cannot answer this request in time under the current load; try again shortly.',
      { details: { reason, retryAfterSeconds: retryAfter }, retryAfterSeconds: retryAfter },
    );
  }
}

/** What a request whose client hung up is told (no one reads it: it only ends the request's work). */
function clientGone(): AppError {
  return new AppError('client_closed_request');
}
