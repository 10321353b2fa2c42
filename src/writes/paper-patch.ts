import type { Paper, TitleOnlyPaperInput } from '../papers/paper.js';
import { isPreprintServer } from '../papers/preprint-servers.js';

/** A JSON merge patch (RFC 7396) of a paper: a field given replaces it, `null` removes it; the id, if given, must be the paper's. */
export type PaperPatch = { id?: string } & { [Field in Exclude<keyof TitleOnlyPaperInput, 'id'>]?: TitleOnlyPaperInput[Field] | null };

/**
 * The paper as a write takes it once `patch` is applied to `current`: a value replaces the field
 * (a list whole), null removes it, the id stays. The stored year of a paper with a date is that
 * date's, so a new date without a year drops it, to be taken from the new date again; a date
 * removed leaves the year, which it agreed with (the patch removes that too if it says so). Likewise a
 * preprint given a venue has been published: unless the patch names its type, it is no longer
 * called a preprint (the exports then call it a journal article, as any paper with a venue).
 */
export function patchedInput(current: Paper, patch: PaperPatch): TitleOnlyPaperInput {
  const merged: Record<string, unknown> = { ...current };
  delete merged.id;
  if (typeof patch.date === 'string' && patch.year === undefined) delete merged.year;
  if (current.type === 'preprint' && patch.type === undefined && isPublication(patch.venue, current.venue)) delete merged.type;
  for (const [field, value] of Object.entries(patch)) {
    if (field === 'id' || value === undefined) continue;
    if (value === null) delete merged[field];
    else merged[field] = value;
  }
  return merged as TitleOnlyPaperInput;
}

/** Whether `venue` newly names where a paper was published: text, not the venue it had, not a preprint server. */
function isPublication(venue: string | null | undefined, before: string | undefined): boolean {
  const named = venue?.trim();
  return Boolean(named) && named !== before && !isPreprintServer(named!);
}

/** Whether two versions of a paper embed alike: the vector is made of the title and abstract only. */
export function sameText(a: Paper, b: Paper): boolean {
  return a.title === b.title && a.abstract === b.abstract;
}
