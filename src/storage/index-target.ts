import { readdir, stat } from 'node:fs/promises';
import { AppError } from '../errors.js';
import { unwritablePathReason } from '../shared/unwritable-path.js';

/**
 * A new index (of either backend) replaces the folder at its target as a whole, so the target must
 * be absent, empty, or an index folder (it has a manifest): never a folder of other files, such as
 * the one holding the input. Checked before a build starts, so a wrong target costs nothing.
 */
export async function assertReplaceable(target: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    // ENOTDIR: the target is a file, or a folder on its path is.
    const isFile = code === 'ENOTDIR' && (await stat(target).catch(() => undefined))?.isFile();
    if (isFile) throw new AppError('config_invalid', `The index target ${target} is a file, not a folder.`);
    throw unbuildableTarget(target, error) ?? error;
  }
  if (entries.length === 0 || entries.includes('manifest.json')) return;
  throw new AppError(
    'config_invalid',
    `The index target ${target} holds other files (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}) and no index manifest; ` +
      'building an index there would replace them. Choose a new or empty folder, or an existing index folder.',
  );
}

/** A build that cannot make its folder at `target` (a read-only mount, a missing parent), told as the setting to change; undefined for another failure. */
export function unbuildableTarget(target: string, error: unknown): AppError | undefined {
  const reason = unwritablePathReason(error);
  if (reason === undefined) return undefined;
  return new AppError('config_invalid', `Cannot build the index folder ${target}: ${reason}. Point --index (INDEX_DIR) at a folder this process can write.`, {
    cause: error,
  });
}
