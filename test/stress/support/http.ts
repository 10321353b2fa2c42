import { Agent, request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

export interface Sent {
  method: string;
  path: string;
  headers?: OutgoingHttpHeaders;
  /** A string or bytes sent as is (so bodies can be invalid JSON or invalid UTF-8). */
  body?: string | Buffer;
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** Milliseconds from sending to the last byte of the answer. */
  ms: number;
}

/** A transport failure: no HTTP answer at all (reset, refused, or no answer within the time allowed). */
export class NoAnswer extends Error {
  constructor(
    readonly reason: string,
    readonly ms: number,
    /** Whether the request went out on a kept-alive connection (Node's `reusedSocket`). */
    readonly reusedSocket = false,
  ) {
    super(reason);
  }
}

/**
 * HTTP/1.1 with keep-alive over node:http (no dependency): every load and fuzz request of the
 * stress suite goes through here, each bounded by `timeoutMs`.
 */
export class HttpClient {
  readonly agent: Agent;

  constructor(
    readonly baseUrl: string,
    options: { sockets?: number } = {},
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: options.sockets ?? 64 });
  }

  send(sent: Sent, timeoutMs = 30_000): Promise<Answer> {
    const url = new URL(this.baseUrl);
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const headers: OutgoingHttpHeaders = { ...sent.headers };
      if (sent.body !== undefined && headers['content-length'] === undefined) headers['content-length'] = Buffer.byteLength(sent.body);
      const outgoing = httpRequest({ host: url.hostname, port: url.port, method: sent.method, path: sent.path, headers, agent: this.agent }, (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          clearTimeout(timer);
          resolve({
            status: incoming.statusCode!,
            headers: incoming.headers,
            text: decoded(Buffer.concat(chunks), incoming.headers['content-encoding']).toString('utf8'),
            ms: performance.now() - started,
          });
        });
        incoming.on('error', (error) => {
          clearTimeout(timer);
          reject(new NoAnswer(`answer broken off: ${error.message}`, performance.now() - started, outgoing.reusedSocket));
        });
      });
      const timer = setTimeout(() => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      outgoing.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new NoAnswer(error.code ?? error.message, performance.now() - started, outgoing.reusedSocket));
      });
      outgoing.end(sent.body);
    });
  }

  /** Sends JSON and parses the JSON answer. */
  async json<Body = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers: OutgoingHttpHeaders = {},
  ): Promise<Answer & { body: Body }> {
    const answer = await this.send({
      method,
      path,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { ...answer, body: (answer.text.length > 0 ? JSON.parse(answer.text) : undefined) as Body };
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Whether a body is the one error shape: `{"error": {"code", "message", "details"?}}` and nothing else. */
export function errorShapeProblem(text: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `not JSON: ${text.slice(0, 200)}`;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'not an object';
  const keys = Object.keys(body);
  if (keys.length !== 1 || keys[0] !== 'error') return `top-level keys ${JSON.stringify(keys)}`;
  const error = (body as { error: unknown }).error;
  if (typeof error !== 'object' || error === null || Array.isArray(error)) return '"error" is not an object';
  const errorKeys = Object.keys(error);
  if (errorKeys.some((key) => !['code', 'message', 'details'].includes(key))) return `error keys ${JSON.stringify(errorKeys)}`;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || !/^[a-z_]+$/.test(code)) return `code ${JSON.stringify(code)}`;
  if (typeof message !== 'string' || message.length === 0) return 'no message';
  return undefined;
}

/** Reads one sample of a Prometheus metric (the first line of that name and labels). */
export function metricValue(text: string, name: string, labels = ''): number | undefined {
  const prefix = labels ? `${name}{${labels}} ` : `${name} `;
  const line = text.split('\n').find((candidate) => candidate.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length).split(' ')[0]);
}

/** A body as sent before the server compressed it (the fuzzing asks for gzip and br). */
function decoded(body: Buffer, encoding: string | undefined): Buffer {
  if (encoding === 'gzip') return gunzipSync(body);
  if (encoding === 'br') return brotliDecompressSync(body);
  if (encoding === 'deflate') return inflateSync(body);
  return body;
}
