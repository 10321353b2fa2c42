import { Readable } from 'node:stream';
import type { ImportFormat } from '../export/media-types.js';
import { readBibtex } from './formats/bibtex.js';
import { readRis } from './formats/ris.js';
import type { Input } from './input-files.js';
import { readJsonArray, type RawRecord } from './record-readers.js';

/**
 * The records of a BibTeX, RIS or CSL-JSON text (or its bytes), read by the same readers as files,
 * positioned by key and line (BibTeX, RIS) or by their place in the array (CSL-JSON).
 */
export function readReferenceText(text: string | Buffer, format: ImportFormat): AsyncGenerator<RawRecord> {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  // Every item of a body declared CSL-JSON is a CSL item, whether or not it has a field only CSL names (and one item alone is a list of one).
  if (format === 'csl-json') return readJsonArray(() => Readable.from([bytes]), 'the body', '', true);
  let opened = false;
  const file = {
    path: 'request body',
    name: 'request body',
    size: bytes.length,
    open: () => {
      opened = true;
      return Readable.from([bytes]);
    },
    bytesRead: () => (opened ? bytes.length : 0),
  };
  const input: Input = { path: file.path, files: [file], skipped: [], totalBytes: bytes.length, bytesRead: file.bytesRead };
  return format === 'bibtex' ? readBibtex(input) : readRis(input);
}
