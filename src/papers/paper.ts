import { z } from 'zod';
import { publicationTypes } from './publication-type.js';

/** A stored paper: what ingestion keeps and what every hit carries. */
export const paperSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  /** Empty only for papers ingested by title alone (--allow-title-only). */
  abstract: z.string(),
  authors: z.array(z.string()).optional(),
  categories: z.array(z.string()).optional(),
  year: z.number().int().optional(),
  date: z.string().optional(),
  doi: z.string().optional(),
  arxiv_id: z.string().optional(),
  url: z.string().optional(),
  /** What kind of publication it is (see publication-type.ts); left out when the source did not say. */
  type: z.enum(publicationTypes).optional(),
  /** Where it was published: a journal, or the proceedings or book it is part of. */
  venue: z.string().optional(),
  volume: z.string().optional(),
  issue: z.string().optional(),
  /** "117-129" (any dash of a range stored as "-"), "e1002", "12". */
  pages: z.string().optional(),
});

export type Paper = z.infer<typeof paperSchema>;

/** A DOI written bare, as people paste one: 10.<registrant>/<suffix>. */
export function isBareDoi(text: string): boolean {
  return /^10\.\d{4,9}\/\S+$/.test(text);
}

/** DOIs are case-insensitive and often written as URLs; store and look up the bare lower-case form. */
export function normalizeDoi(doi: string): string {
  const trimmed = doi.trim();
  const link = /^(?:https?:\/\/)?(?:dx\.|www\.)?doi\.org\//i.exec(trimmed);
  // A link as a browser copies it is percent-encoded (`10.1002/%28SICI%29…`); as it is if that is not valid.
  // Other forms exports write: "DOI: 10.…" (Crossref's display form), urn:doi:, info:doi/ (OpenURL).
  const bare = link ? percentDecoded(trimmed.slice(link[0].length)) : trimmed.replace(/^(?:urn:doi:|info:doi\/|doi:\s*)/i, '');
  return bare.toLowerCase();
}

function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** An arXiv id without its version suffix (2304.02633v2 → 2304.02633). */
export function arxivIdWithoutVersion(arxivId: string): string {
  return arxivId.trim().replace(/v\d+$/, '');
}

/** A paper as a client writes it: the id may be left to the service, the title left out. */
export type PaperInput = Omit<Paper, 'id' | 'title'> & { id?: string; title?: string };

/** A PaperInput whose abstract may be left out when it has a title (a write with allow_title_only). */
export type TitleOnlyPaperInput = Omit<PaperInput, 'abstract'> & { abstract?: string };
