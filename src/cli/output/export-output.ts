import { exportPapers, paperOfHit } from '../../export/export-papers.js';
import type { ExportFormat } from '../../export/media-types.js';
import type { HitsResponse, PaperResponse } from '../../client/paper-search-client.js';

/** Hits or papers in their order as a reference file on stdout (`--format`), as the server's exports write them. */
export function printExport(papers: readonly (HitsResponse['hits'][number] | PaperResponse['paper'])[], format: ExportFormat): void {
  process.stdout.write(exportPapers(papers.map(paperOfHit), format));
}
