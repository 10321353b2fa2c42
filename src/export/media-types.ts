/** The media type of each export format: what an Accept header names, and a response's Content-Type. */
export const exportMediaTypes = {
  bibtex: 'application/x-bibtex',
  ris: 'application/x-research-info-systems',
  'csl-json': 'application/vnd.citationstyles.csl+json',
} as const;
export type ExportFormat = keyof typeof exportMediaTypes;

export const exportFormats = Object.keys(exportMediaTypes) as [ExportFormat, ...ExportFormat[]];

/**
 * Other names clients give the same formats, taken in Accept and Content-Type alike: `text/x-bibtex`
 * is what many tools and the shared-mime-info database call BibTeX, and RIS is sent as text too.
 */
export const exportMediaTypeAliases: Record<ExportFormat, readonly string[]> = {
  bibtex: ['text/x-bibtex'],
  ris: ['text/x-research-info-systems'],
  'csl-json': [],
};

/** The format a media type names, by its own name or an alias; undefined for any other. */
export function formatOfMediaType(type: string): ExportFormat | undefined {
  return exportFormats.find((format) => exportMediaTypes[format] === type || exportMediaTypeAliases[format].includes(type));
}

/** The formats papers can also be written in (reference managers' files), as their media types. */
export const importFormats = ['bibtex', 'ris', 'csl-json'] as const satisfies readonly ExportFormat[];
export type ImportFormat = (typeof importFormats)[number];

/** Each format's name, as people write it, and what one record of it is called. */
export const formatNames: Record<ExportFormat, { name: string; records: string }> = {
  bibtex: { name: 'BibTeX', records: 'BibTeX entries' },
  ris: { name: 'RIS', records: 'RIS records' },
  'csl-json': { name: 'CSL-JSON', records: 'CSL-JSON items' },
};

/** A file name's extension for each format. */
export const formatExtensions: Record<ExportFormat, string> = { bibtex: 'bib', ris: 'ris', 'csl-json': 'json' };

/**
 * A paper's id as the name of the file it is saved in, without its extension ("2503.11731"):
 * characters a file system or a header's quoting could trip on become "_".
 */
export function paperFileName(id: string): string {
  return id.replace(/[^\w.-]+/g, '_').slice(0, 100);
}
