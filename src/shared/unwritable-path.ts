/**
 * Why a file or folder cannot be made at a path, in words for the person who chose the path (a
 * read-only mount, a missing parent), from a Node file-system error code; undefined for a failure
 * the path's owner cannot fix by pointing elsewhere (a full disk, an I/O error).
 */
export function unwritablePathReason(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === undefined ? undefined : reasons[code];
}

const reasons: Record<string, string> = {
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOENT: 'a folder on its path does not exist',
  ENOTDIR: 'a part of its path is a file, not a folder',
};
