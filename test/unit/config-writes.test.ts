import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig, walDirOf } from '../../src/config/config.js';
import { AppError } from '../../src/errors.js';
import { isAppErrorWithCode } from './support.js';

const keyA = 'aaaaaaaaaaaaaaaa'; // 16 characters: the shortest key allowed
const keyB = 'bbbbbbbbbbbbbbbbbbbbbbbb';
const keyC = 'C0mplex!Key#With$Symbols~42';

/** config_invalid, naming `variable` in the message and in details.problems. */
function assertConfigInvalid(environment: NodeJS.ProcessEnv, variable: string, messagePattern?: RegExp): void {
  assert.throws(
    () => loadConfig(environment),
    (error: unknown) => {
      isAppErrorWithCode('config_invalid', messagePattern)(error);
      const appError = error as AppError;
      assert.ok(appError.message.includes(variable), `message should name ${variable}: ${appError.message}`);
      const { problems } = appError.details as { problems: string[] };
      assert.ok(
        problems.some((problem) => problem.startsWith(variable)),
        JSON.stringify(problems),
      );
      return true;
    },
    JSON.stringify(environment),
  );
}

describe('loadConfig: API keys', () => {
  it('has no keys and open reads by default', () => {
    const config = loadConfig({});
    assert.deepEqual(config.API_KEYS, []);
    assert.equal(config.AUTH_READS, false);
    assert.equal(config.WAL_DIR, undefined);
  });

  it('splits API_KEYS on commas and trims each key', () => {
    assert.deepEqual(loadConfig({ API_KEYS: keyA }).API_KEYS, [keyA]);
    assert.deepEqual(loadConfig({ API_KEYS: `${keyA},${keyB},${keyC}` }).API_KEYS, [keyA, keyB, keyC]);
    assert.deepEqual(loadConfig({ API_KEYS: `  ${keyA} ,\t${keyB}\n, ${keyC}  ` }).API_KEYS, [keyA, keyB, keyC]);
  });

  it('drops empty entries', () => {
    assert.deepEqual(loadConfig({ API_KEYS: `,${keyA},, ,${keyB},` }).API_KEYS, [keyA, keyB]);
    assert.deepEqual(loadConfig({ API_KEYS: ' , ,' }).API_KEYS, []);
    assert.deepEqual(loadConfig({ API_KEYS: '   ' }).API_KEYS, [], 'a blank variable is unset');
  });

  it('refuses a key shorter than 16 characters', () => {
    assertConfigInvalid({ API_KEYS: 'short' }, 'API_KEYS', /at least 16 characters/);
    assertConfigInvalid({ API_KEYS: keyA.slice(1) }, 'API_KEYS');
    assertConfigInvalid({ API_KEYS: `${keyA},${keyB},tooshort` }, 'API_KEYS');
  });

  it('refuses a key with characters outside printable ASCII', () => {
    assertConfigInvalid({ API_KEYS: `${keyA} ${keyB}` }, 'API_KEYS', /printable ASCII/);
    assertConfigInvalid({ API_KEYS: 'clé-secrète-très-longue' }, 'API_KEYS');
  });

  it('parses AUTH_READS', () => {
    assert.equal(loadConfig({ API_KEYS: keyA, AUTH_READS: 'true' }).AUTH_READS, true);
    assert.equal(loadConfig({ API_KEYS: keyA, AUTH_READS: 'false' }).AUTH_READS, false);
    assertConfigInvalid({ API_KEYS: keyA, AUTH_READS: 'yes' }, 'AUTH_READS');
  });

  it('refuses AUTH_READS=true without API_KEYS', () => {
    assertConfigInvalid({ AUTH_READS: 'true' }, 'AUTH_READS', /API_KEYS/);
    assertConfigInvalid({ AUTH_READS: 'true', API_KEYS: ' , ' }, 'AUTH_READS');
  });
});

describe('walDirOf', () => {
  it('defaults to <INDEX_DIR>.wal', () => {
    assert.equal(walDirOf(loadConfig({})), 'index-data/default.wal');
    assert.equal(walDirOf(loadConfig({ INDEX_DIR: '/srv/index' })), '/srv/index.wal');
    assert.equal(walDirOf(loadConfig({ INDEX_DIR: 'relative/idx' })), 'relative/idx.wal');
  });

  it('strips trailing slashes of INDEX_DIR', () => {
    assert.equal(walDirOf(loadConfig({ INDEX_DIR: '/srv/index/' })), '/srv/index.wal');
    assert.equal(walDirOf(loadConfig({ INDEX_DIR: '/srv/index///' })), '/srv/index.wal');
    assert.equal(walDirOf(loadConfig({ INDEX_DIR: 'C:\\data\\index\\' })), 'C:\\data\\index.wal');
  });

  it('uses WAL_DIR when set', () => {
    const config = loadConfig({ INDEX_DIR: '/srv/index', WAL_DIR: '/var/lib/paper-search/wal' });
    assert.equal(config.WAL_DIR, '/var/lib/paper-search/wal');
    assert.equal(walDirOf(config), '/var/lib/paper-search/wal');
    assert.equal(walDirOf(loadConfig({ WAL_DIR: '   ' })), 'index-data/default.wal', 'a blank WAL_DIR is unset');
  });

  it('refuses a WAL_DIR that is INDEX_DIR or inside it, which the first snapshot would replace with the folder', () => {
    assertConfigInvalid({ INDEX_DIR: '/srv/index', WAL_DIR: '/srv/index' }, 'WAL_DIR', /WAL_DIR.*INDEX_DIR/);
    assertConfigInvalid({ INDEX_DIR: '/srv/index', WAL_DIR: '/srv/index/' }, 'WAL_DIR');
    assertConfigInvalid({ INDEX_DIR: '/srv/index', WAL_DIR: '/srv/index/wal' }, 'WAL_DIR');
    assertConfigInvalid({ INDEX_DIR: 'index-data/default', WAL_DIR: './index-data/default/../default' }, 'WAL_DIR');
    assert.equal(walDirOf(loadConfig({ INDEX_DIR: '/srv/index', WAL_DIR: '/srv/index-wal' })), '/srv/index-wal');
    assert.equal(walDirOf(loadConfig({ INDEX_DIR: '/srv/index', WAL_DIR: '/srv/..index' })), '/srv/..index');
    assert.equal(walDirOf(loadConfig({ INDEX_DIR: '/srv/index/current', WAL_DIR: '/srv/index' })), '/srv/index');
  });

  it('regression: refuses a WAL_DIR inside INDEX_DIR whose name starts with two dots (/srv/index/..wal was taken for a folder outside it)', () => {
    assertConfigInvalid({ INDEX_DIR: '/srv/index', WAL_DIR: '/srv/index/..wal' }, 'WAL_DIR', /WAL_DIR.*INDEX_DIR/);
    assertConfigInvalid({ INDEX_DIR: '/srv/index', WAL_DIR: '/srv/index/../index/..wal' }, 'WAL_DIR');
    assert.equal(walDirOf(loadConfig({ INDEX_DIR: '/srv/index', WAL_DIR: '/srv/index/../index.wal' })), '/srv/index/../index.wal');
  });
});
