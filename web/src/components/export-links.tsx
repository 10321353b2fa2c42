import { useState } from 'preact/hooks';
import { ApiError, exportedPapers } from '../api.js';
import { exportFormats, exportMediaTypes, formatExtensions, type ExportFormat } from '../../../src/export/media-types.js';
import { ErrorNotice } from './notice.js';

const formatLabels: Record<ExportFormat, string> = { bibtex: 'BibTeX', ris: 'RIS', 'csl-json': 'CSL-JSON' };

/** One paper as a reference manager's file, from the API's exports (GET /v1/papers/:id?format=…), saved under its id. */
export function CiteLinks({ id }: { id: string }) {
  const fileName = id.replace(/[^\w.-]+/g, '_');
  return (
    <p class="cite">
      Cite:{' '}
      {exportFormats.map((format) => (
        <a key={format} href={`/v1/papers/${encodeURIComponent(id)}?format=${format}`} download={`${fileName}.${formatExtensions[format]}`}>
          {formatLabels[format]}
          <span class="visually-hidden"> file of this paper</span>
        </a>
      ))}
    </p>
  );
}

/** The papers of a list as shown, in that order, saved as one file (POST /v1/papers/batch?format=…). */
export function SaveList({ ids }: { ids: readonly string[] }) {
  const [error, setError] = useState<string>();
  const save = async (format: ExportFormat) => {
    setError(undefined);
    try {
      saveFile(await exportedPapers(ids, format), exportMediaTypes[format], `papers.${formatExtensions[format]}`);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'The file could not be made. Try again.');
    }
  };
  return (
    <>
      <p class="cite">
        Save these {ids.length} papers as{' '}
        {exportFormats.map((format) => (
          <button key={format} type="button" class="link-button" onClick={() => void save(format)}>
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
