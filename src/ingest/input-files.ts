import { createReadStream, type ReadStream } from 'node:fs';
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import yauzl from 'yauzl';
import { AppError } from '../errors.js';

/** One file of an input, readable (decompressed) as often as a reader needs. */
export interface InputFile {
  path: string;
  /** How record positions name the file when the input has several. */
  name: string;
  /** Size on disk. */
  size: number;
  /** For a zip, the name of the one file inside it, whose extension tells its format. */
  member?: string;
  /** A fresh stream of the file's content, decompressed if it is .gz or .zip. */
  open(): Readable;
  /** Bytes of the file on disk consumed by the latest stream. */
  bytesRead(): number;
}

/** A file, or a folder of files read in name order. */
export interface Input {
  path: string;
  files: readonly InputFile[];
  /** Files of the folder that are not read (not JSON lines, JSON or gzip), by their path in it. */
  skipped: readonly string[];
  totalBytes: number;
  bytesRead(): number;
}

/**
 * Data files of a folder: JSON and JSON lines, gzipped or not, and gzip files named nothing else
 * (the OpenAlex snapshot's part_000.gz). A gzipped file of another format (`refs.ris.gz`) is left
 * out with the plain ones: it was read as JSON, and the whole folder failed.
 */
function isFolderDataFile(file: string): boolean {
  return /\.(jsonl|ndjson|json)(\.gz)?$/i.test(file) || (/\.gz$/i.test(file) && extname(basename(file).replace(/\.gz$/i, '')) === '');
}

/**
 * Opens a file, or with `folders` a folder (searched recursively), as an input. Fails with
 * input_unreadable when nothing readable is there.
 */
export async function openInput(path: string, options: { folders?: boolean } = {}): Promise<Input> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new AppError('input_unreadable', `Cannot read ${path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}.`);
  });
  let files: InputFile[];
  let skipped: string[] = [];
  if (info.isFile()) {
    files = [await openFile(path, basename(path), info.size)];
  } else if (info.isDirectory() && options.folders) {
    const listed = await listFiles(path);
    const paths = listed.filter(isFolderDataFile).sort();
    skipped = listed.filter((file) => !isFolderDataFile(file)).map((file) => relative(path, file));
    if (paths.length === 0) {
      throw new AppError(
        'input_unreadable',
        `The folder ${path} holds no .jsonl, .ndjson, .json or .gz files${skipped.length > 0 ? ` (it holds ${namesOf(skipped)}: give such a file as --input, one at a time)` : ''}.`,
      );
    }
    files = await Promise.all(paths.map(async (file) => openFile(file, relative(path, file), (await stat(file)).size)));
  } else if (info.isDirectory()) {
    throw new AppError('input_unreadable', `${path} is not a file: only JSON lines, JSON array, OpenAlex and Semantic Scholar inputs may be folders.`);
  } else {
    throw new AppError('input_unreadable', `${path} is not a file.`);
  }
  return {
    path,
    files,
    skipped,
    totalBytes: files.reduce((sum, file) => sum + file.size, 0),
    bytesRead: () => files.reduce((sum, file) => sum + file.bytesRead(), 0),
  };
}

/** A few names of a list, and how many more. */
export function namesOf(names: readonly string[], shown = 5): string {
  const more = names.length - shown;
  return names.slice(0, shown).join(', ') + (more > 0 ? ` and ${more} more` : '');
}

async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter((entry) => !entry.name.startsWith('.'))
      .map(async (entry) => {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) return listFiles(path);
        return entry.isFile() ? [path] : [];
      }),
  );
  return nested.flat();
}

async function openFile(path: string, name: string, size: number): Promise<InputFile> {
  if (/\.zip$/i.test(path)) return openZipMember(path, name, size);
  // By its name, or by its first bytes when a download or a copy lost the .gz (it was read as bytes).
  const gzipped = /\.gz$/i.test(path) || (await startsWithGzipMagic(path));
  let stream: ReadStream | undefined;
  return {
    path,
    name,
    size,
    bytesRead: () => stream?.bytesRead ?? 0,
    open: () => {
      stream = createReadStream(path);
      if (!gzipped) return stream;
      const file = stream;
      const gunzip = createGunzip();
      file.on('error', (error) => gunzip.destroy(error));
      // A reader that stops early (a format's first lines read) destroys the gunzip only: the file's descriptor went with it, not with the file.
      gunzip.on('close', () => file.destroy());
      // zlib's own words ("unexpected end of file") name neither the file nor the format.
      gunzip.on('error', (error) => {
        if ('code' in error && String(error.code).startsWith('Z_')) error.message = `${path} is not a whole gzip file (${error.message})`;
      });
      return file.pipe(gunzip);
    },
  };
}

/** Whether a file opens with gzip's magic bytes (1f 8b). */
async function startsWithGzipMagic(path: string): Promise<boolean> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } catch {
    // An unreadable file is for its reading to report.
    return false;
  } finally {
    await handle?.close();
  }
}

/**
 * A zip holding one data file (as the arXiv snapshot is distributed). Progress is the share of
 * the member inflated so far, applied to the archive's size.
 */
async function openZipMember(path: string, name: string, size: number): Promise<InputFile> {
  const members = await listZipMembers(path);
  if (members.length !== 1) {
    throw new AppError(
      'input_unreadable',
      members.length === 0
        ? `${path} holds no file.`
        : `${path} holds ${members.length} files (${members.slice(0, 5).join(', ')}); unzip it and pass one of them.`,
    );
  }
  const member = members[0]!;
  let inflated = 0;
  let memberSize = 1;
  return {
    path,
    name: `${name}:${member}`,
    member,
    size,
    bytesRead: () => Math.min(size, Math.round((size * inflated) / memberSize)),
    open: () => {
      inflated = 0;
      const output = new PassThrough();
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          inflated += chunk.length;
          done(null, chunk);
        },
      });
      counter.pipe(output);
      counter.on('error', (error) => output.destroy(error));
      yauzl.open(path, { lazyEntries: true }, (openError, zip) => {
        if (openError || !zip) return output.destroy(openError ?? new Error(`cannot open ${path}`));
        let found = false;
        let memberStream: Readable | undefined;
        // A reader that stops early (format detection) destroys the output: stop inflating, release the file.
        const release = () => {
          memberStream?.destroy();
          zip.close();
        };
        if (output.destroyed) return release();
        output.on('close', release);
        zip.on('error', (error: Error) => output.destroy(error));
        zip.on('end', () => found || output.destroy(new Error(`${member} is no longer in ${path}`)));
        zip.on('entry', (entry: yauzl.Entry) => {
          if (entry.fileName !== member) return zip.readEntry();
          found = true;
          memberSize = Math.max(1, entry.uncompressedSize);
          zip.openReadStream(entry, (streamError, stream) => {
            if (streamError || !stream) return output.destroy(streamError ?? new Error(`cannot read ${member} in ${path}`));
            memberStream = stream;
            stream.on('error', (error) => output.destroy(error));
            stream.pipe(counter);
          });
        });
        zip.readEntry();
      });
      return output;
    },
  };
}

/** The data files of a zip, leaving out folders and the __MACOSX resource forks macOS adds. */
function listZipMembers(path: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => reject(new AppError('input_unreadable', `Cannot read ${path} as a zip archive: ${error.message}.`));
    yauzl.open(path, { lazyEntries: true }, (openError, zip) => {
      if (openError || !zip) return fail(openError ?? new Error('cannot open it'));
      const members: string[] = [];
      zip.on('error', fail);
      zip.on('entry', (entry: yauzl.Entry) => {
        const isFolder = entry.fileName.endsWith('/');
        const hidden = entry.fileName.startsWith('__MACOSX/') || basename(entry.fileName).startsWith('.');
        if (!isFolder && !hidden) members.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(members));
      zip.readEntry();
    });
  });
}
