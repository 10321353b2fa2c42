import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { walDirOf, type Config } from '../../config/config.js';
import { isAppError } from '../../errors.js';
import { nearestExisting } from '../../shared/fs-atomic.js';
import { unwritablePathReason } from '../../shared/unwritable-path.js';
import { verifyIndexFiles } from '../../storage/embedded/index-integrity.js';
import { lineageOf, type Manifest } from '../../storage/embedded/manifest.js';
import { inspectWriteLog } from '../../storage/embedded/write-log/write-log.js';
import type { CheckResult } from './checks.js';

/**
 * The checks of an embedded index folder that `serve` makes as it opens one, made without changing
 * anything (the write check's empty folder is removed at once): its files against the manifest's
 * checksums, its write-ahead log, and, when the server is to take writes, that both can be
 * written. A folder these pass would be served.
 */
export async function embeddedFolderChecks(config: Config, manifest: Manifest): Promise<CheckResult[]> {
  const results = [await checkIndexFiles(config.INDEX_DIR, manifest), await checkWriteLog(config, manifest)];
  if (config.API_KEYS.length > 0) results.push(await checkWritable(config));
  return results;
}

async function checkIndexFiles(folder: string, manifest: Manifest): Promise<CheckResult> {
  // Every file hashed, not only those serve hashes: serve finds damage in the others as they load.
  const verdicts = await verifyIndexFiles(folder, manifest, 'full');
  if (verdicts === 'no checksums') {
    return {
      check: 'index files',
      status: 'warn',
      message: `${folder} records no checksums (built by an older version)`,
      // A snapshot rewrites the folder with its checksums and keeps the writes in its log; a rebuild holds only its input's papers.
      fix: `its next snapshot records them (one is taken after writes through the API), or a rebuild: paper-search ingest --input <papers file> --index ${folder}, which holds only that file's papers`,
    };
  }
  const damaged = verdicts.filter((verdict) => !verdict.ok);
  if (damaged.length === 0)
    return { check: 'index files', status: 'ok', message: `every file's size and SHA-256 match the manifest (${verdicts.length} files)` };
  return {
    check: 'index files',
    status: 'fail',
    message: damaged.map((verdict) => `${verdict.file}: ${verdict.problem}`).join('; '),
    fix: `rebuild it: paper-search ingest --input <papers file> --index ${folder}`,
  };
}

async function checkWriteLog(config: Config, manifest: Manifest): Promise<CheckResult> {
  const folder = walDirOf(config);
  try {
    const log = await inspectWriteLog(folder, lineageOf(manifest), (manifest.walSeq ?? 0) + 1);
    if (log.otherBuild) {
      return {
        check: 'write-ahead log',
        status: 'warn',
        message: `${folder} holds the writes of another build of the index: serve will move it aside, not replay it`,
        fix: 'if those writes matter, serve the index they belong to and export them first',
      };
    }
    const torn = log.tornBytes > 0 ? `; a torn last append of ${log.tornBytes} bytes (never acknowledged) will be cut off` : '';
    return { check: 'write-ahead log', status: 'ok', message: `${folder}: ${log.writes} writes to replay${torn}` };
  } catch (error) {
    // Any failure is the check's answer (a log that cannot be read, EACCES), not doctor's end.
    return {
      check: 'write-ahead log',
      status: 'fail',
      message: error instanceof Error ? error.message : String(error),
      fix: isAppError(error) ? 'see docs/operations.md#integrity-of-the-index (serve --salvage-wal keeps the whole records)' : `make ${folder} readable`,
    };
  }
}

/**
 * A server that takes writes locks the index folder and swaps snapshots in beside it (in its
 * parent), and appends to the log (in WAL_DIR, made in its parent when missing): those must be
 * writable. Each is tried by making an empty folder in it and removing it again: a permission
 * check (access) passes for root even where nothing can be made (a read-only mount, /sys).
 */
async function checkWritable(config: Config): Promise<CheckResult> {
  const index = await realpath(config.INDEX_DIR).catch(() => config.INDEX_DIR);
  const folders = [dirname(index), nearestExisting(walDirOf(config))];
  const unwritable: string[] = [];
  for (const folder of folders) {
    try {
      await rm(await mkdtemp(join(folder, '.paper-search-doctor-')), { recursive: true, force: true });
    } catch (error) {
      const reason = unwritablePathReason(error);
      unwritable.push(reason ? `${folder} (${reason})` : folder);
    }
  }
  if (unwritable.length === 0) return { check: 'writes', status: 'ok', message: `API_KEYS is set, and ${folders.join(' and ')} can be written` };
  return {
    check: 'writes',
    status: 'fail',
    message: `API_KEYS is set (the server takes writes), but ${unwritable.join(' and ')} cannot be written`,
    fix: 'make them writable, set WAL_DIR to a writable place, or unset API_KEYS to serve the index read-only',
  };
}
