import { readdir } from 'node:fs/promises';
import { AppError } from '../errors.js';

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
    if (code === 'ENOTDIR') throw new AppError('config_invalid', `The index target ${target} is a file, not a folder.`);
    throw error;
  }
  if (entries.length === 0 || entries.includes('manifest.json')) return;
  throw new AppError(
    'config_invalid',
    `The index target ${target} holds other files (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}) and no index manifest; ` +
      'building an index there would replace them. Choose a new or empty folder, or an existing index folder.',
  );
}
