import type { Paper } from '../store/paper.js';

/** Which input field feeds each paper field; the first candidate present in a record wins. */
export interface FieldMap {
  id: readonly string[];
  title: readonly string[];
  abstract: readonly string[];
  authors: readonly string[];
  categories: readonly string[];
  year: readonly string[];
  date: readonly string[];
  doi: readonly string[];
  url: readonly string[];
  arxiv_id: readonly string[];
}

export const defaultFieldMap: FieldMap = {
  id: ['id', '_id'],
  title: ['title'],
  abstract: ['abstract', 'text'],
  authors: ['authors'],
  categories: ['categories'],
  year: ['year'],
  date: ['date', 'published', 'first_listed'],
  doi: ['doi'],
  url: ['url'],
  arxiv_id: ['arxiv_id', 'arxivId'],
};

/** Replaces the candidates of the fields named in `overrides` (from --id-field and the like). */
export function withFieldOverrides(overrides: Partial<Record<keyof FieldMap, string | undefined>>): FieldMap {
  const map: Record<keyof FieldMap, readonly string[]> = { ...defaultFieldMap };
  for (const [field, name] of Object.entries(overrides) as [keyof FieldMap, string | undefined][]) {
    if (name) map[field] = [name];
  }
  return map;
}

export type RejectionReason = 'invalid_json' | 'not_an_object' | 'missing_id' | 'missing_abstract' | 'invalid_field' | 'duplicate_id';

export type MappingResult = { ok: true; paper: Paper } | { ok: false; reason: RejectionReason; message: string };

const newStyleArxivId = /^\d{4}\.\d{4,5}(v\d+)?$/;
const oldStyleArxivId = /^[a-z-]+(\.[A-Z]{2})?\/\d{7}(v\d+)?$/;

/** Validates one input record and turns it into a paper, or says why it cannot be one. */
export function mapRecordToPaper(value: unknown, fields: FieldMap = defaultFieldMap): MappingResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'not_an_object', message: 'the record is not an object' };
  }
  const record = value as Record<string, unknown>;
  const pick = (field: keyof FieldMap): { name: string; value: unknown } | undefined => {
    for (const name of fields[field]) {
      const candidate = record[name];
      const blank = typeof candidate === 'string' && candidate.trim().length === 0;
      if (candidate !== undefined && candidate !== null && !blank) return { name, value: candidate };
    }
    return undefined;
  };
  const invalid = (name: string, expected: string): MappingResult => ({
    ok: false,
    reason: 'invalid_field',
    message: `field "${name}" must be ${expected}`,
  });

  const id = pick('id');
  if (!id) return { ok: false, reason: 'missing_id', message: `no ${fields.id.join(' or ')} field` };
  if (typeof id.value !== 'string' && !(typeof id.value === 'number' && Number.isFinite(id.value))) {
    return invalid(id.name, 'a string or a number');
  }
  const paperId = String(id.value).trim();
  if (paperId.length === 0 || paperId.length > 512) return invalid(id.name, 'a non-empty id of at most 512 characters');

  const abstract = pick('abstract');
  if (!abstract) {
    return { ok: false, reason: 'missing_abstract', message: `no ${fields.abstract.join(' or ')} field` };
  }
  if (typeof abstract.value !== 'string') return invalid(abstract.name, 'a string');

  const title = pick('title');
  if (title && typeof title.value !== 'string') return invalid(title.name, 'a string');

  const paper: Paper = { id: paperId, title: typeof title?.value === 'string' ? title.value.trim() : '', abstract: abstract.value.trim() };

  const lists: [('authors' | 'categories'), RegExp][] = [
    ['authors', /\s*;\s*|\s*,\s*|\s+and\s+/],
    ['categories', /[\s,;]+/],
  ];
  for (const [field, separator] of lists) {
    const found = pick(field);
    if (!found) continue;
    const list = toStringList(found.value, separator);
    if (!list) return invalid(found.name, 'a list of strings or a delimited string');
    if (list.length > 0) paper[field] = list;
  }

  const date = pick('date');
  if (date) {
    if (typeof date.value !== 'string' || !/^\d{4}(-\d{2}(-\d{2})?)?/.test(date.value.trim())) {
      return invalid(date.name, 'a date string starting YYYY, YYYY-MM or YYYY-MM-DD');
    }
    paper.date = date.value.trim();
  }
  const year = pick('year');
  if (year) {
    const parsed = typeof year.value === 'number' ? year.value : typeof year.value === 'string' ? Number(year.value.trim()) : Number.NaN;
    if (!Number.isInteger(parsed) || parsed < 0 || parsed > 9999) return invalid(year.name, 'a whole year such as 2024');
    paper.year = parsed;
  } else if (paper.date) {
    paper.year = Number(paper.date.slice(0, 4));
  }

  for (const field of ['doi', 'url', 'arxiv_id'] as const) {
    const found = pick(field);
    if (!found) continue;
    if (typeof found.value !== 'string') return invalid(found.name, 'a string');
    paper[field] = field === 'doi' ? normalizeDoi(found.value) : found.value.trim();
  }
  if (!paper.arxiv_id && (newStyleArxivId.test(paperId) || oldStyleArxivId.test(paperId))) paper.arxiv_id = paperId;
  return { ok: true, paper };
}

function toStringList(value: unknown, separator: RegExp): string[] | undefined {
  if (typeof value === 'string') return value.split(separator).map((part) => part.trim()).filter(Boolean);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    return value.map((item: string) => item.trim()).filter(Boolean);
  }
  return undefined;
}

/** DOIs are case-insensitive and often written as URLs; store the bare lower-case form. */
export function normalizeDoi(doi: string): string {
  return doi.trim().replace(/^(https?:\/\/(dx\.)?doi\.org\/|doi:)/i, '').toLowerCase();
}
