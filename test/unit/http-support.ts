import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/config.js';
import { createApp } from '../../src/http/app.js';
import { ApiKeys } from '../../src/http/auth.js';
import { ServiceMetrics } from '../../src/metrics/service-metrics.js';
import { ServiceState } from '../../src/service-state.js';
import type { PaperStorage } from '../../src/storage/paper-storage.js';

export interface TestApp {
  base: string;
  state: ServiceState;
  /** The log lines the app wrote, parsed. */
  logs: Record<string, unknown>[];
  call(path: string, init?: CallInit): Promise<CallResult>;
  close(): Promise<void>;
}

export interface CallInit {
  method?: string;
  body?: string | Uint8Array;
  json?: unknown;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  // any: the tests read fields of every response shape, checked one by one.
  body: Record<string, any> | undefined;
}

/** The real Express app on a random port, with `environment` as its settings and its log captured. */
export async function startApp(
  options: { environment?: Record<string, string>; apiKeys?: string[]; storage?: () => PaperStorage | undefined; state?: ServiceState } = {},
): Promise<TestApp> {
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const state = options.state ?? new ServiceState();
  const settings = loadConfig({
    MAX_BODY_BYTES: '4096',
    WRITE_MAX_BODY_BYTES: '8192',
    ...(options.apiKeys ? { API_KEYS: options.apiKeys.join(',') } : {}),
    ...options.environment,
  });
  const app = createApp({
    state,
    log: pino({ level: 'debug' }, sink),
    settings,
    apiKeys: new ApiKeys(options.apiKeys ?? []),
    metrics: new ServiceMetrics(options.storage ?? (() => undefined), () => undefined),
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    state,
    logs,
    async call(path, init = {}) {
      const headers = { ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers };
      const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
      const response = await fetch(`${base}${path}`, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
      const text = await response.text();
      let parsed: CallResult['body'];
      try {
        parsed = text ? (JSON.parse(text) as CallResult['body']) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: response.status, headers: response.headers, text, body: parsed };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
