import type { PaperLookupResponse, TitleOnlyPaperInput } from '../../client/paper-search-client.js';
import { maxPapersPerLookup } from '../../http/schemas.js';
import { lettersAndDigits } from '../../shared/unicode.js';

/** Papers `add` left alone because their ids were stored, and those of them that are other papers. */
export interface KeptTally {
  kept: number;
  /** Kept papers whose stored paper has another title or DOI: a citation key two libraries both use (Smith2020). */
  others: number;
  otherExamples: string[];
}

const examplesShown = 5;

/**
 * Counts `papers` as kept, and finds those whose stored namesake is another paper: a different
 * DOI, or, without DOIs on both, a different title (letters and digits compared, case folded).
 */
export async function tallyKept(
  papers: readonly TitleOnlyPaperInput[],
  lookUp: (ids: string[], fields: ['title', 'doi']) => Promise<PaperLookupResponse>,
  tally: KeptTally,
): Promise<void> {
  tally.kept += papers.length;
  for (let start = 0; start < papers.length; start += maxPapersPerLookup) {
    const chunk = papers.slice(start, start + maxPapersPerLookup);
    const { papers: stored } = await lookUp(
      chunk.map((paper) => String(paper.id)),
      ['title', 'doi'],
    );
    chunk.forEach((paper, i) => {
      const namesake = stored[i];
      if (!namesake || !isAnotherPaper(namesake, paper)) return;
      tally.others++;
      if (tally.otherExamples.length < examplesShown)
        tally.otherExamples.push(`  ${String(paper.id)}: stored ${paperLabel(namesake)}, given ${paperLabel(paper)}`);
    });
  }
}

/** The report of kept papers that are other papers, if any. */
export function keptReport(tally: KeptTally): string[] {
  if (tally.others === 0) return [];
  return [
    `${tally.others} of the papers kept ${tally.others === 1 ? 'is another paper' : 'are other papers'} than the one stored under ${tally.others === 1 ? 'its id' : 'their ids'} (another title or DOI): give ${tally.others === 1 ? 'it' : 'them'} other ids (--id-field), or --replace to overwrite the stored ones`,
    ...tally.otherExamples,
  ];
}

function isAnotherPaper(stored: { title?: string; doi?: string }, given: { title?: string; doi?: string }): boolean {
  if (stored.doi && given.doi) return stored.doi.toLowerCase() !== given.doi.toLowerCase();
  return Boolean(stored.title && given.title) && lettersAndDigits(stored.title!) !== lettersAndDigits(given.title!);
}

/** A paper as the report names it: its title, cut short, and its DOI. */
function paperLabel({ title, doi }: { title?: string; doi?: string }): string {
  const shown = title === undefined ? 'untitled' : JSON.stringify(title.length > 60 ? `${title.slice(0, 57)}...` : title);
  return doi ? `${shown} (doi ${doi})` : shown;
}
