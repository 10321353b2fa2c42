import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig, misspeltSettings, trustProxyWarning } from '../../src/config/config.js';
import { modelThreads } from '../../src/embedding/load-embedder.js';
import { AppError } from '../../src/errors.js';

function assertConfigInvalid(environment: NodeJS.ProcessEnv, variable: string): void {
  assert.throws(
    () => loadConfig(environment),
    (error: unknown) => {
      assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
      assert.equal(error.code, 'config_invalid');
      assert.ok(error.message.includes(variable), `message should name ${variable}: ${error.message}`);
      const { problems } = error.details as { problems: string[] };
      assert.ok(Array.isArray(problems) && problems.some((problem) => problem.startsWith(variable)), JSON.stringify(problems));
      return true;
    },
    JSON.stringify(environment),
  );
}

describe('loadConfig', () => {
  it('applies the defaults to an empty environment', () => {
    const config = loadConfig({});
    assert.equal(config.PORT, 8080);
    assert.equal(config.HOST, '0.0.0.0');
    assert.equal(config.INDEX_DIR, 'index-data/default');
    // The package's own model and sample, whatever the working directory; the index is relative to it.
    assert.equal(config.MODEL_DIR, resolve(import.meta.dirname, '../../models'));
    assert.equal(config.MODEL, undefined);
    assert.deepEqual(config.MODEL_SOURCES, ['hub', 'maven']);
    assert.equal(config.HF_ENDPOINT, 'https://huggingface.co');
    assert.equal(config.SAMPLE_FILE, resolve(import.meta.dirname, '../../index-data/samples/sample-papers.jsonl'));
    assert.equal(config.LOG_LEVEL, 'info');
    assert.ok(Number.isInteger(config.EMBED_THREADS) && config.EMBED_THREADS >= 1);
    assert.equal(config.EMBED_BATCH_SIZE, 1);
    assert.equal(config.HNSW_EF_SEARCH, 128);
    assert.equal(config.MAX_BODY_BYTES, 1024 * 1024);
    assert.equal(config.SHUTDOWN_TIMEOUT_MS, 10_000);
  });

  it('does not read process.env when given an environment', () => {
    const saved = process.env.PORT;
    process.env.PORT = '1234';
    try {
      assert.equal(loadConfig({}).PORT, 8080);
    } finally {
      if (saved === undefined) delete process.env.PORT;
      else process.env.PORT = saved;
    }
  });

  it('treats empty strings as unset', () => {
    const config = loadConfig({ PORT: '', LOG_LEVEL: '', MODEL_SOURCES: '', MODEL: '' });
    assert.equal(config.PORT, 8080);
    assert.equal(config.LOG_LEVEL, 'info');
    assert.deepEqual(config.MODEL_SOURCES, ['hub', 'maven']);
    assert.equal(config.MODEL, undefined);
  });

  it('ignores unrelated variables', () => {
    const config = loadConfig({ PATH: '/usr/bin', HOME: '/root', NODE_ENV: 'test' });
    assert.equal('PATH' in config, false);
    assert.equal('NODE_ENV' in config, false);
  });

  it('coerces numeric settings from strings', () => {
    const config = loadConfig({
      PORT: '3000',
      EMBED_THREADS: '4',
      EMBED_BATCH_SIZE: '64',
      HNSW_EF_SEARCH: '200',
      MAX_BODY_BYTES: '2048',
      SHUTDOWN_TIMEOUT_MS: '0',
    });
    assert.equal(config.PORT, 3000);
    assert.equal(config.EMBED_THREADS, 4);
    assert.equal(config.EMBED_BATCH_SIZE, 64);
    assert.equal(config.HNSW_EF_SEARCH, 200);
    assert.equal(config.MAX_BODY_BYTES, 2048);
    assert.equal(config.SHUTDOWN_TIMEOUT_MS, 0);
  });

  it('accepts PORT 0 and 65535 at the bounds', () => {
    assert.equal(loadConfig({ PORT: '0' }).PORT, 0);
    assert.equal(loadConfig({ PORT: '65535' }).PORT, 65_535);
  });

  for (const port of ['abc', '-1', '65536', '80.5', '8080abc']) {
    it(`rejects PORT=${JSON.stringify(port)} as config_invalid naming PORT`, () => {
      assertConfigInvalid({ PORT: port }, 'PORT');
    });
  }

  it('regression: says what a whole-number setting must be and what it was given, never a key ("expected number, received NaN")', () => {
    assert.throws(() => loadConfig({ PORT: 'abc' }), { message: 'Invalid configuration: PORT: must be a whole number from 0 to 65535 (got "abc")' });
    // Regression: JavaScript's forms of a number were taken (PORT=0x4973 bound port 18803), and a value failing two checks was named twice.
    for (const written of ['0x4973', '1e4', '2.0', '+80', '-1']) {
      assert.throws(() => loadConfig({ PORT: written }), { message: `Invalid configuration: PORT: must be a whole number from 0 to 65535 (got "${written}")` });
    }
    assert.throws(() => loadConfig({ MAX_BODY_BYTES: '1e99' }), {
      message: 'Invalid configuration: MAX_BODY_BYTES: must be a whole number from 1024 to 52428800 (got "1e99")',
    });
    assert.throws(
      () => loadConfig({ API_KEYS: 'too-short' }),
      (error: Error) => !error.message.includes('too-short'),
    );
  });

  it('rejects an unknown LOG_LEVEL as config_invalid naming LOG_LEVEL', () => {
    assertConfigInvalid({ LOG_LEVEL: 'loud' }, 'LOG_LEVEL');
    assertConfigInvalid({ LOG_LEVEL: 'INFO' }, 'LOG_LEVEL');
  });

  it('accepts every pino log level', () => {
    for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const) {
      assert.equal(loadConfig({ LOG_LEVEL: level }).LOG_LEVEL, level);
    }
  });

  it('parses MODEL_SOURCES "maven" to ["maven"]', () => {
    assert.deepEqual(loadConfig({ MODEL_SOURCES: 'maven' }).MODEL_SOURCES, ['maven']);
  });

  it('parses a comma-separated MODEL_SOURCES in order, trimming spaces', () => {
    assert.deepEqual(loadConfig({ MODEL_SOURCES: ' maven , hub ' }).MODEL_SOURCES, ['maven', 'hub']);
    assert.deepEqual(loadConfig({ MODEL_SOURCES: 'hub,' }).MODEL_SOURCES, ['hub']);
  });

  it('rejects a bad MODEL_SOURCES as config_invalid naming MODEL_SOURCES', () => {
    assertConfigInvalid({ MODEL_SOURCES: 'ftp' }, 'MODEL_SOURCES');
    assertConfigInvalid({ MODEL_SOURCES: 'hub,s3' }, 'MODEL_SOURCES');
    assertConfigInvalid({ MODEL_SOURCES: ',' }, 'MODEL_SOURCES');
  });

  it('accepts known MODEL ids and rejects unknown ones', () => {
    assert.equal(loadConfig({ MODEL: 'bge-small-en-v1.5' }).MODEL, 'bge-small-en-v1.5');
    assert.equal(loadConfig({ MODEL: 'all-MiniLM-L6-v2' }).MODEL, 'all-MiniLM-L6-v2');
    assertConfigInvalid({ MODEL: 'gpt-4' }, 'MODEL');
  });

  it('rejects a HF_ENDPOINT that is not a URL', () => {
    assertConfigInvalid({ HF_ENDPOINT: 'not a url' }, 'HF_ENDPOINT');
    assert.equal(loadConfig({ HF_ENDPOINT: 'http://mirror.local:8080' }).HF_ENDPOINT, 'http://mirror.local:8080');
  });

  it('rejects numeric settings out of their range, naming each', () => {
    assertConfigInvalid({ EMBED_THREADS: '0' }, 'EMBED_THREADS');
    assertConfigInvalid({ EMBED_BATCH_SIZE: '513' }, 'EMBED_BATCH_SIZE');
    assertConfigInvalid({ HNSW_EF_SEARCH: '9' }, 'HNSW_EF_SEARCH');
    assertConfigInvalid({ MAX_BODY_BYTES: '100' }, 'MAX_BODY_BYTES');
    assertConfigInvalid({ SHUTDOWN_TIMEOUT_MS: '-5' }, 'SHUTDOWN_TIMEOUT_MS');
  });

  it('reports every bad variable at once', () => {
    assert.throws(
      () => loadConfig({ PORT: 'x', LOG_LEVEL: 'loud' }),
      (error: unknown) => {
        assert.ok(error instanceof AppError);
        assert.equal(error.code, 'config_invalid');
        assert.match(error.message, /PORT/);
        assert.match(error.message, /LOG_LEVEL/);
        assert.equal((error.details as { problems: string[] }).problems.length, 2);
        return true;
      },
    );
  });

  it('returns a frozen object', () => {
    const config = loadConfig({ PORT: '9000' });
    assert.ok(Object.isFrozen(config));
    assert.throws(() => {
      (config as { PORT: number }).PORT = 1;
    }, TypeError);
    assert.equal(config.PORT, 9000);
  });
});

describe('misspeltSettings', () => {
  it('regression: names a variable a letter away from a setting, and unknown PAPER_SEARCH_ ones (API_KEY started a server that refused every write, without a word)', () => {
    assert.deepEqual(
      misspeltSettings({
        API_KEY: 'k',
        SEARCH_MOD: 'dense',
        PAPER_SEARCH_FOO: '1',
        PAPER_SEARCH_URL: 'u',
        API_KEYS: 'k',
        HOME: '/',
        HOSTNAME: 'h',
        PATH: '/bin',
      }),
      [{ name: 'API_KEY', meant: 'API_KEYS' }, { name: 'SEARCH_MOD', meant: 'SEARCH_MODE' }, { name: 'PAPER_SEARCH_FOO' }],
    );
    // A setting a flag alone sets (a salvage left in a unit file would cut every later damage out of the log).
    assert.deepEqual(misspeltSettings({ WAL_SALVAGE: 'true' }), [{ name: 'WAL_SALVAGE', flag: 'serve --salvage-wal' }]);
    // Regression: loadConfig itself read it from the environment (only the command line left it out).
    assert.equal(loadConfig({ WAL_SALVAGE: 'true' }).WAL_SALVAGE, false);
    assert.equal(loadConfig({}, { WAL_SALVAGE: 'true' }).WAL_SALVAGE, true);
  });

  it('regression: names a setting written in lower case (rate_limit_requests=5 started a server without a rate limit, without a word)', () => {
    assert.deepEqual(misspeltSettings({ rate_limit_requests: '5', Auth_Reads: 'true', home: '/', npm_config_cache: '/c' }), [
      { name: 'rate_limit_requests', meant: 'RATE_LIMIT_REQUESTS' },
      { name: 'Auth_Reads', meant: 'AUTH_READS' },
    ]);
  });

  it('regression: names a short setting written in lower case too (port=9000 started a server on 8080, without a word), and leaves other short names alone', () => {
    assert.deepEqual(misspeltSettings({ port: '9000', Host: '127.0.0.1', model: 'bge-small-en-v1.5', home: '/', host_name: 'h', PWD: '/' }), [
      { name: 'port', meant: 'PORT' },
      { name: 'Host', meant: 'HOST' },
      { name: 'model', meant: 'MODEL' },
    ]);
  });
});

describe('modelThreads', () => {
  it('gives each thread a worker of its own, at most eight workers, and leaves the main thread a core from query calls', () => {
    assert.deepEqual(modelThreads(loadConfig({ EMBED_THREADS: '2' })), { workers: 2, threads: 1, queryThreads: 1, queryCalls: 1 });
    assert.deepEqual(modelThreads(loadConfig({ EMBED_THREADS: '8' })), { workers: 8, threads: 1, queryThreads: 1, queryCalls: 7 });
    // Past eight threads, each worker gets its whole share; the rest is left to the main thread.
    assert.deepEqual(modelThreads(loadConfig({ EMBED_THREADS: '12' })), { workers: 8, threads: 1, queryThreads: 1, queryCalls: 8 });
    assert.deepEqual(modelThreads(loadConfig({ EMBED_THREADS: '16' })), { workers: 8, threads: 2, queryThreads: 2, queryCalls: 7 });
    assert.deepEqual(modelThreads(loadConfig({ EMBED_THREADS: '1' })), { workers: 1, threads: 1, queryThreads: 1, queryCalls: 1 });
  });

  it('takes EMBED_WORKERS and EMBED_QUERY_THREADS as given, at least one thread a worker', () => {
    assert.deepEqual(modelThreads(loadConfig({ EMBED_THREADS: '2', EMBED_WORKERS: '1' })), { workers: 1, threads: 2, queryThreads: 1, queryCalls: 1 });
    assert.deepEqual(modelThreads(loadConfig({ EMBED_THREADS: '2', EMBED_WORKERS: '4' })), { workers: 4, threads: 1, queryThreads: 1, queryCalls: 1 });
    assert.deepEqual(modelThreads(loadConfig({ EMBED_THREADS: '2', EMBED_WORKERS: '1', EMBED_QUERY_THREADS: '2' })), {
      workers: 1,
      threads: 2,
      queryThreads: 2,
      queryCalls: 1,
    });
    assert.throws(() => loadConfig({ EMBED_QUERY_THREADS: '0' }), AppError);
    assert.throws(() => loadConfig({ EMBED_WORKERS: '0' }), AppError);
  });

  it('regression: refuses more query threads than the model has threads (EMBED_QUERY_THREADS=8 beside EMBED_THREADS=2 was used as given)', () => {
    assert.throws(() => loadConfig({ EMBED_THREADS: '2', EMBED_QUERY_THREADS: '8' }), {
      message: 'Invalid configuration: EMBED_QUERY_THREADS (8) is more than EMBED_THREADS (2), the threads the model may use in all.',
    });
  });
});

describe('trustProxyWarning', () => {
  const warningOf = (environment: Record<string, string>) => trustProxyWarning(loadConfig(environment));

  it('regression: warns of TRUST_PROXY=1 on a server listening beyond loopback (a client connecting past the proxy spoofed X-Forwarded-For and escaped the rate limit)', () => {
    assert.match(warningOf({ TRUST_PROXY: '1' }) ?? '', /^TRUST_PROXY=1 trusts whatever connects as a proxy, and HOST=0\.0\.0\.0 /);
    assert.match(warningOf({ TRUST_PROXY: '2', HOST: '10.1.2.3' }) ?? '', /HOST=10\.1\.2\.3/);
  });

  it('accepts a hop count on a loopback-only server, addresses, and no proxy', () => {
    for (const HOST of ['127.0.0.1', '::1', 'localhost']) assert.equal(warningOf({ TRUST_PROXY: '1', HOST }), undefined);
    assert.equal(warningOf({ TRUST_PROXY: 'loopback' }), undefined);
    assert.equal(warningOf({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.4' }), undefined);
    assert.equal(warningOf({ TRUST_PROXY: 'false' }), undefined);
    assert.equal(warningOf({ TRUST_PROXY: '0' }), undefined);
  });

  it('warns of TRUST_PROXY=true wherever the server listens', () => {
    assert.match(warningOf({ TRUST_PROXY: 'true', HOST: '127.0.0.1' }) ?? '', /^TRUST_PROXY=true takes the leftmost X-Forwarded-For entry/);
  });
});
