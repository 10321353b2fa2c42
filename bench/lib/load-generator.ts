import { importBenchPackage, requireBenchPackage } from '../peers/peer-index.js';
import { summarizeLatencies } from './stats.js';

interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}
interface AutocannonRequest {
  method: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
}
interface AutocannonInstance {
  on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void): void;
}
type Autocannon = (
  options: { url: string; connections: number; duration: number; requests: AutocannonRequest[] },
  done: (error: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface LoadResult {
  connections: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
}

let autocannon: Autocannon | undefined;

/**
 * Closed-loop load with autocannon: `connections` keep-alive clients, each sending its next
 * request as soon as the previous answer arrives, for `durationS`. Latencies are taken from
 * autocannon's per-response event (float ms): its own histogram rounds to whole milliseconds,
 * too coarse for a 2 ms goal. Errors are connection errors, timeouts and non-2xx answers.
 */
export async function runLoad(base: string, connections: number, durationS: number, next: () => LoadRequest): Promise<LoadResult> {
  autocannon ??= (await importBenchPackage<{ default: Autocannon }>('autocannon')).default;
  keepNoBodies();
  const samples: number[] = [];
  const result = await new Promise<AutocannonResult>((resolve, reject) => {
    const instance = autocannon!(
      {
        url: base,
        connections,
        duration: durationS,
        requests: [
          {
            method: 'GET',
            setupRequest: (request) => {
              const item = next();
              return item.body === undefined
                ? { ...request, method: item.method, path: item.path, headers: item.headers ?? {} }
                : {
                    ...request,
                    method: item.method,
                    path: item.path,
                    headers: { ...item.headers, 'content-type': 'application/json' },
                    body: JSON.stringify(item.body),
                  };
            },
          },
        ],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      if (statusCode >= 200 && statusCode < 300) samples.push(responseTimeMs);
    });
  });
  const { p50, p95, p99 } = summarizeLatencies(samples);
  return { connections, requestsPerSecond: result['2xx'] / result.duration, p50, p95, p99, errors: result.errors + result.timeouts + result.non2xx };
}

/**
 * autocannon 8 decodes every answer's body to a string (`req.body += data`), whether or not
 * anything reads it, on the same two cores as the server: a gzipped related list (binary, the
 * slow path of UTF-8 decoding) then cost the load generator more than the server, and measured
 * 5,666-7,011 req/s where wrk (which keeps no body) measured 10,870-11,139 on the same server
 * (uncompressed answers agreed within noise). The bench reads no body, so none is kept.
 */
function keepNoBodies(): void {
  const queue = requireBenchPackage<{ prototype: { addBody(data: Buffer): void } }>('autocannon/lib/pipelinedRequestsQueue.js');
  queue.prototype.addBody = () => undefined;
}
