import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { isProcessRunning } from './processes.js';

/** A sibling path for staging a file or folder before it is renamed into place. */
export function stagingPathFor(target: string, tag = 'tmp'): string {
  return join(dirname(target), `.${basename(target)}.${tag}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/**
 * Removes staging folders beside `target` left by processes that died mid-way (a killed ingest,
 * say): their names carry the pid, and a pid no longer running can never finish them.
 */
export async function removeStaleStaging(target: string, tag: string): Promise<string[]> {
  const prefix = `.${basename(target)}.${tag}-`;
  let names: string[];
  try {
    names = await readdir(dirname(target));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || isProcessRunning(pid)) continue;
    await rm(join(dirname(target), name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** `path` if it exists, else the nearest folder above it that does. */
export function nearestExisting(path: string): string {
  for (let current = path; ; current = dirname(current)) {
    if (existsSync(current) || dirname(current) === current) return current;
  }
}

/**
 * Makes a folder and the missing folders above it, one at a time. Node's recursive mkdir never
 * settles where a folder reads as missing but cannot be made (it retries ENOENT forever under
 * /proc: `--index /proc/a/b` hung).
 */
export async function makeFolders(path: string): Promise<void> {
  const target = resolve(path);
  let folder = nearestExisting(target);
  // Below a file, the first mkdir fails with ENOTDIR, as mkdir -p does.
  for (const name of relative(folder, target).split(sep).filter(Boolean)) {
    folder = join(folder, name);
    await mkdir(folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
}

/** Writes a whole file durably: temp file, fsync, rename, so readers see the old or the new file. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await makeFolders(dirname(path));
  const staging = stagingPathFor(path);
  try {
    const handle = await open(staging, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(staging, path);
  } catch (error) {
    await rm(staging, { force: true });
    throw error;
  }
  await fsyncPath(dirname(path));
}

/**
 * Flushes a file, or a folder's entries (which makes a rename inside it durable), to disk.
 * Opening read-only is enough for fsync on both.
 */
export async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Where something set aside goes: beside `target`, `<target>.<tag>-<time>`, the time fit for a file name. */
export function setAsidePathOf(target: string, tag: string): string {
  return `${target}.${tag}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
}

/** Where a folder replaced but kept goes: beside it, `<target>.previous-<time>`. */
export function previousFolderPathOf(target: string): string {
  return setAsidePathOf(target, 'previous');
}

/**
 * Replaces the folder `target` with the fully written folder `staged`. The old folder, if any, is
 * moved aside first and removed only after the new one is in place (or, with `keepPreviousAs`,
 * kept under that name), so at every instant either the old or the new complete folder is at
 * `target` (apart from the instant between the renames). `confirmReplaced` is shown the old
 * folder once it is moved aside; if it throws, the old folder is put back and nothing replaced.
 */
export async function replaceDirectory(
  staged: string,
  target: string,
  options: { keepPreviousAs?: string; confirmReplaced?: (folder: string) => Promise<void> } = {},
): Promise<void> {
  await fsyncPath(staged);
  const { keepPreviousAs, confirmReplaced } = options;
  // A retired folder is found by the pattern of its name, which holds this process's id; a kept
  // one's name is noted here with the id, for setAsideFoldersOf to find should a crash come
  // between the renames (and to tell that swap from one under way).
  if (keepPreviousAs !== undefined) await writeFileAtomic(keptPreviousNoteOf(target), `${basename(keepPreviousAs)}\n${process.pid}\n`);
  const retired = keepPreviousAs ?? stagingPathFor(target, 'old');
  let hadPrevious = true;
  try {
    await rename(target, retired);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    hadPrevious = false;
  }
  try {
    // Checked once moved aside, so no other process can swap it between the check and the rename.
    if (hadPrevious) await confirmReplaced?.(retired);
    await rename(staged, target);
  } catch (error) {
    // Should the old folder not go back, it stays set aside, for the next command to restore: the
    // error that stopped the swap is the one to tell.
    if (hadPrevious) await rename(retired, target).catch(() => undefined);
    throw error;
  }
  await fsyncPath(dirname(target));
  if (keepPreviousAs !== undefined) await rm(keptPreviousNoteOf(target), { force: true });
  else if (hadPrevious) await rm(retired, { recursive: true, force: true });
}

/** Where replaceDirectory notes the name a kept previous folder goes under, until the new folder is in place. */
function keptPreviousNoteOf(target: string): string {
  return join(dirname(target), `.${basename(target)}.kept-previous`);
}

/** A folder replaceDirectory moved aside and neither put back nor removed, and the process that was swapping it. */
export interface SetAsideFolder {
  path: string;
  /** Undefined for a folder kept under a note written before notes held the process id. */
  swapper: number | undefined;
}

/**
 * What replaceDirectory left set aside for `target` when `target` is missing: a crash between its
 * two renames (or a swap under way) leaves the old folder under a retired name, or under the name
 * it was to be kept under. Empty when the target is there.
 */
export async function setAsideFoldersOf(target: string): Promise<SetAsideFolder[]> {
  try {
    await stat(target);
    return [];
  } catch (error) {
    // ENOTDIR: a file on the path; no folder was ever there to set aside.
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const kept = await keptPreviousOf(target);
  return kept ? [kept] : await retiredFoldersOf(target);
}

/**
 * Finishes the one unsafe instant of replaceDirectory: renames the folder it set aside back to
 * `target` (the caller then redoes whatever the new folder was for) and says whether it did. Not
 * when several could be the one. The caller makes sure no live process is swapping it.
 */
export async function restoreInterruptedReplace(target: string): Promise<boolean> {
  const setAside = await setAsideFoldersOf(target);
  if (setAside.length !== 1) return false;
  await rename(setAside[0]!.path, target);
  await fsyncPath(dirname(target));
  await rm(keptPreviousNoteOf(target), { force: true });
  return true;
}

/** The folder a replace that keeps the previous one was moving aside, if its note names one that is there. */
async function keptPreviousOf(target: string): Promise<SetAsideFolder | undefined> {
  let note: string;
  try {
    note = await readFile(keptPreviousNoteOf(target), 'utf8');
  } catch {
    return undefined;
  }
  const [name = '', pidText] = note.trim().split('\n');
  if (name === '' || name !== basename(name)) return undefined;
  const kept = join(dirname(target), name);
  if (!(await stat(kept).catch(() => undefined))?.isDirectory()) return undefined;
  const pid = Number(pidText);
  return { path: kept, swapper: Number.isInteger(pid) && pid > 0 ? pid : undefined };
}

/** The folders a replace moved aside under a retired name (`.<name>.old-<pid>-<random>`). */
async function retiredFoldersOf(target: string): Promise<SetAsideFolder[]> {
  const prefix = `.${basename(target)}.old-`;
  let names: string[];
  try {
    names = await readdir(dirname(target));
  } catch {
    return [];
  }
  return names
    .filter((name) => name.startsWith(prefix))
    .map((name) => ({ path: join(dirname(target), name), swapper: Number(name.slice(prefix.length).split('-')[0]) || undefined }));
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
