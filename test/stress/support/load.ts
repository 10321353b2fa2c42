import { HttpClient, NoAnswer, type Answer, type Sent } from './http.js';
import { summarize, type LatencySummary } from './report.js';
import { seededRandom } from '../../../src/shared/seeded-random.js';

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** One request of a workload, named by its route template for the per-route figures. */
export interface Planned extends Sent {
  route: string;
  /** Statuses that are right for this request besides 2xx (a 404 for a paper deleted meanwhile, say). */
  expected?: readonly number[];
}

export interface Outcome {
  planned: Planned;
  answer?: Answer;
  failure?: NoAnswer;
}

export interface RouteFigures extends LatencySummary {
  route: string;
  perSecond: number;
  statuses: Record<string, number>;
}

/** Everything a load run saw. */
export class LoadRecord {
  readonly latencies = new Map<string, number[]>();
  readonly statuses = new Map<string, Map<number, number>>();
  /** Requests answered with a status neither 2xx, nor expected, nor a deliberate 429/503. */
  readonly unexpected: { route: string; status: number; text: string }[] = [];
  /** Requests with no HTTP answer (reset, refused, timed out). */
  readonly transportFailures: { route: string; reason: string; atMs: number; ms: number; reusedSocket: boolean }[] = [];
  /** 429 and 503 answers (deliberate refusals), with their Retry-After. */
  readonly refusals: { route: string; status: number; code: string; retryAfter: string | undefined; ms: number }[] = [];
  startedAt = performance.now();
  endedAt = performance.now();

  add({ planned, answer, failure }: Outcome): void {
    if (failure || !answer) {
      this.transportFailures.push({
        route: planned.route,
        reason: failure?.reason ?? 'no answer',
        atMs: Math.round(performance.now() - this.startedAt),
        ms: Math.round(failure?.ms ?? 0),
        reusedSocket: failure?.reusedSocket ?? false,
      });
      return;
    }
    const byStatus = this.statuses.get(planned.route) ?? new Map<number, number>();
    byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
    this.statuses.set(planned.route, byStatus);
    if (answer.status === 429 || answer.status === 503) {
      const code = /"code":"([a-z_]+)"/.exec(answer.text)?.[1] ?? '?';
      const retryAfter = answer.headers['retry-after'];
      this.refusals.push({
        route: planned.route,
        status: answer.status,
        code,
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        ms: answer.ms,
      });
      return;
    }
    if (answer.status >= 300 && !(planned.expected ?? []).includes(answer.status)) {
      this.unexpected.push({ route: planned.route, status: answer.status, text: answer.text.slice(0, 300) });
      return;
    }
    const samples = this.latencies.get(planned.route) ?? [];
    samples.push(answer.ms);
    this.latencies.set(planned.route, samples);
  }

  get seconds(): number {
    return (this.endedAt - this.startedAt) / 1000;
  }

  get answered(): number {
    return [...this.statuses.values()].reduce((sum, byStatus) => sum + [...byStatus.values()].reduce((a, b) => a + b, 0), 0);
  }

  /** Per route: requests per second, latency percentiles of the answered (non-refused) ones, statuses. */
  routes(): RouteFigures[] {
    return [...this.statuses.keys()].sort().map((route) => ({
      route,
      ...summarize(this.latencies.get(route) ?? []),
      count: [...this.statuses.get(route)!.values()].reduce((a, b) => a + b, 0),
      perSecond: [...this.statuses.get(route)!.values()].reduce((a, b) => a + b, 0) / this.seconds,
      statuses: Object.fromEntries([...this.statuses.get(route)!.entries()].map(([status, count]) => [String(status), count])),
    }));
  }

  /** All answered requests' latencies, for a whole-run figure. */
  overall(): LatencySummary {
    return summarize([...this.latencies.values()].flat());
  }
}

export interface LoadOptions {
  client: HttpClient;
  /** Concurrent clients, each sending its next request as soon as its previous one is answered. */
  clients: number;
  durationMs: number;
  /** The next request of client `index`; undefined ends that client. */
  next: (index: number, random: () => number) => Planned | undefined | Promise<Planned | undefined>;
  /** Sees each answer (to track what was written, say). */
  observe?: (index: number, outcome: Outcome) => void;
  seed: number;
  record?: LoadRecord;
  requestTimeoutMs?: number;
}

/** Closed-loop load: `clients` loops, each bounded by the duration (and each request by its own timeout). */
export async function runLoad(options: LoadOptions): Promise<LoadRecord> {
  const record = options.record ?? new LoadRecord();
  record.startedAt = performance.now();
  const endAt = record.startedAt + options.durationMs;
  await Promise.all(
    Array.from({ length: options.clients }, async (_, index) => {
      const random = seededRandom(options.seed * 1_000 + index);
      while (performance.now() < endAt) {
        const planned = await options.next(index, random);
        if (!planned) return;
        let outcome: Outcome;
        try {
          outcome = { planned, answer: await options.client.send(planned, options.requestTimeoutMs ?? 60_000) };
        } catch (error) {
          if (!(error instanceof NoAnswer)) throw error;
          outcome = { planned, failure: error };
        }
        record.add(outcome);
        options.observe?.(index, outcome);
      }
    }),
  );
  record.endedAt = performance.now();
  return record;
}
