import { execFile } from 'node:child_process';
import { mkdir, open, readdir, rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A small tmpfs mounted for one test (the suite runs as root, as CI does): a disk that fills up
 * for real, with ENOSPC from the kernel, not from a mock.
 */
export class SmallDisk {
  private constructor(readonly path: string) {}

  static async mount(path: string, bytes: number): Promise<SmallDisk> {
    await mkdir(path, { recursive: true });
    await run('mount', ['-t', 'tmpfs', '-o', `size=${Math.ceil(bytes / 4096) * 4096},mode=0755`, 'tmpfs', path]);
    return new SmallDisk(path);
  }

  async freeBytes(): Promise<number> {
    const figures = await statfs(this.path);
    return figures.bavail * figures.bsize;
  }

  /** Fills the disk with a filler file until only `leaveBytes` are free (0: completely full). */
  async fill(leaveBytes = 0): Promise<void> {
    const file = await open(join(this.path, 'filler'), 'a');
    try {
      const chunk = Buffer.alloc(4096);
      for (let free = await this.freeBytes(); free > leaveBytes; free = await this.freeBytes()) {
        try {
          await file.write(chunk, 0, Math.min(chunk.length, free - leaveBytes));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return;
          throw error;
        }
      }
    } finally {
      await file.close();
    }
  }

  async free(): Promise<void> {
    await rm(join(this.path, 'filler'), { force: true });
  }

  /** Names in the disk's root other than the filler: leftovers of a failed build show up here. */
  async entries(): Promise<string[]> {
    return (await readdir(this.path)).filter((name) => name !== 'filler').sort();
  }

  async unmount(): Promise<void> {
    await run('umount', [this.path]).catch(() => run('umount', ['-l', this.path]));
  }
}
