import { useState } from 'preact/hooks';
import { ApiError, exportedPaper, exportedPaperPath, exportedPapers } from '../api.js';
import { exportFormats, exportMediaTypes, formatExtensions, paperFileName, type ExportFormat } from '../../../src/export/media-types.js';
import { papersCount } from '../counts.js';
import { ErrorNotice } from './notice.js';

const formatLabels: Record<ExportFormat, string> = { bibtex: 'BibTeX', ris: 'RIS', 'csl-json': 'CSL-JSON' };

/**
 * One paper as a reference manager's file, from the API's exports (GET /v1/papers/:id?format=…),
 * saved under the name the server gives it (its id). A click fetches the file first: as a plain
 * download, a refusal (429, 503) was saved as the file, its JSON under the .bib name. The links
 * stay links, to copy or open in a tab.
 */
export function CiteLinks({ id }: { id: string }) {
  const [failed, setFailed] = useState<{ format: ExportFormat; message: string }>();
  const save = async (format: ExportFormat) => {
    setFailed(undefined);
    try {
      saveFile(await exportedPaper(id, format), exportMediaTypes[format], `${paperFileName(id)}.${formatExtensions[format]}`);
    } catch (caught) {
      setFailed({ format, message: caught instanceof ApiError ? caught.message : 'The file could not be made.' });
    }
  };
  return (
    <>
      <p class="cite">
        Cite:{' '}
        {exportFormats.map((format) => (
          <a
            key={format}
            href={exportedPaperPath(id, format)}
            download
            onClick={(event) => {
              // A click with a modifier (a new tab, a window, the browser's own save) is the browser's.
              if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
              event.preventDefault();
              void save(format);
            }}
          >
            {formatLabels[format]}
            <span class="visually-hidden"> file of this paper</span>
          </a>
        ))}
      </p>
      {failed && <ErrorNotice message={failed.message} onRetry={() => void save(failed.format)} />}
    </>
  );
}

/**
 * The papers of a list as shown, in that order, saved as one file (POST /v1/papers/batch?format=…).
 * Keyed by its list (see RankedList), so an error does not outlive the list it was about.
 */
export function SaveList({ ids, name, busy }: { ids: readonly string[]; name: string; busy: boolean }) {
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const save = async (format: ExportFormat) => {
    setError(undefined);
    setSaving(true);
    try {
      saveFile(await exportedPapers(ids, format), exportMediaTypes[format], `${fileNameOf(name)}.${formatExtensions[format]}`);
    } catch (caught) {
      // The API's own sentence when it says why (busy, unreachable); a refused request is no search here.
      setError(caught instanceof ApiError && caught.code !== 'invalid_input' ? caught.message : 'The file could not be made. Try again.');
    } finally {
      setSaving(false);
    }
  };
  return (
    <>
      <p class="cite">
        Save {ids.length === 1 ? 'this paper' : `these ${papersCount(ids.length)}`} as{' '}
        {exportFormats.map((format) => (
          <button key={format} type="button" class="link-button" disabled={saving || busy} onClick={() => void save(format)}>
            {formatLabels[format]}
            <span class="visually-hidden"> file of these papers</span>
          </button>
        ))}
      </p>
      {error && <ErrorNotice message={error} />}
    </>
  );
}

/** Offers `text` as a download, as a link with `download` would. */
function saveFile(text: string, mediaType: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mediaType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the file once the click is handled; the next task can let it go.
  setTimeout(() => URL.revokeObjectURL(url));
}

/** A file name from a list's name ("Results for speech recognition" → results-for-speech-recognition), short and safe on every system. */
function fileNameOf(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return words.slice(0, 60).replace(/-+$/, '') || 'papers';
}
