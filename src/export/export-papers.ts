import { papersToBibtex } from './bibtex.js';
import { paperToCslJson } from './csl-json.js';
import type { ExportFormat } from './media-types.js';
import { papersToRis } from './ris.js';
import type { Paper } from '../papers/paper.js';

/**
 * Papers, in their order, as a file of the format: a .bib or .ris file's text, or a CSL-JSON
 * array. A paper listed twice (asked for by two of its names) is written once: a reference
 * manager would import it twice.
 */
export function exportPapers(papers: readonly Paper[], format: ExportFormat): string {
  const seen = new Set<string>();
  const unique = papers.filter((paper) => {
    if (seen.has(paper.id)) return false;
    seen.add(paper.id);
    return true;
  });
  if (format === 'bibtex') return papersToBibtex(unique);
  if (format === 'ris') return papersToRis(unique);
  return `${JSON.stringify(unique.map(paperToCslJson), null, 2)}\n`;
}

/**
 * A hit as the paper it is: its stored fields, without score and explanation. Also for hits and
 * papers as the client reads them, whose schema lets any field be left out (a `fields` choice):
 * a title or abstract left out is empty.
 */
export function paperOfHit({ score: _score, explain: _explain, ...fields }: Partial<Paper> & { id: string; score?: number; explain?: unknown }): Paper {
  return { title: '', abstract: '', ...fields };
}
