import { InvalidArgumentError, Option, type Command } from 'commander';
import type { PaperField, SearchRequest } from '../../client/paper-search-client.js';
import { exportFormats, type ExportFormat } from '../../export/media-types.js';
import { maxHitsPerPage, maxPageEnd } from '../../http/schemas.js';
import { paperSchema } from '../../papers/paper.js';
import { hybridCandidates, searchModes } from '../../search/search-modes.js';
import { UsageError } from '../exit-codes.js';

/** The flags of every ranked list, as commander gives them. */
export interface ListFlags {
  k?: number;
  offset?: number;
  threshold?: number;
  fields?: PaperField[];
  yearFrom?: number;
  yearTo?: number;
  category?: string[];
  author?: string[];
  exclude?: string[];
  explain?: boolean;
  json?: boolean;
  format?: ExportFormat;
}

/** Where the answers come from: a server, or an index folder opened in this process. */
export interface TargetFlags {
  url?: string;
  key?: string;
  index?: string;
}

export function integer(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError('It must be a whole number.');
  return Number(value);
}

/** Hits of a page, as the API takes them (said here, in the flag's words, rather than as the server's "body.k"). */
function hitCount(value: string): number {
  const parsed = integer(value);
  if (parsed < 1 || parsed > maxHitsPerPage) throw new InvalidArgumentError(`It must be from 1 to ${maxHitsPerPage}.`);
  return parsed;
}

function hitsToSkip(value: string): number {
  const parsed = integer(value);
  if (parsed < 0) throw new InvalidArgumentError('It must be 0 or more.');
  return parsed;
}

/** A TCP port: 0 (any free port) to 65535. */
export function port(value: string): number {
  const parsed = integer(value);
  if (parsed < 0 || parsed > 65_535) throw new InvalidArgumentError('It must be a port from 0 (any free port) to 65535.');
  return parsed;
}

export function number(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) throw new InvalidArgumentError('It must be a number.');
  return parsed;
}

/** A server's address: http or https, so a typo is a usage error rather than a failed request. */
export function serverUrl(value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value.trim());
  } catch {
    throw new InvalidArgumentError('It must be an http:// or https:// URL, such as http://127.0.0.1:8080.');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new InvalidArgumentError('It must be an http:// or https:// URL, such as http://127.0.0.1:8080.');
  if (parsed.username || parsed.password || parsed.search || parsed.hash) {
    throw new InvalidArgumentError("It must be the server's base URL, without a user name, password, query or fragment (a key goes in --key).");
  }
  return value.trim();
}

/** A path or name given as a flag's value: an empty one is refused, not taken for the default (`--index ""` served index-data/default). */
export function nonEmpty(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('It must not be empty.');
  return value;
}

/**
 * A comma-separated list, which may also be given by repeating the flag; an empty one is refused
 * (it would filter nothing). `\,` is a comma within a value: a MeSH keyword such as "Carcinoma,
 * Squamous Cell" could not be asked for.
 */
export function commaList(value: string, previous: string[] | undefined): string[] {
  const parts = value
    .split(/(?<!\\),/)
    .map((part) => part.replaceAll('\\,', ',').trim())
    .filter(Boolean);
  if (parts.length === 0) throw new InvalidArgumentError('It must name at least one value (comma-separated).');
  return [...(previous ?? []), ...parts];
}

/** Stored fields a list or a paper may be limited to (the id always comes back; `--fields id` asks for it alone, as the API's `fields=id`). */
const storedFields = Object.keys(paperSchema.shape);

/** `--fields`: a comma list of stored fields, each checked here so a typo is named as the flag's. */
export function fieldList(value: string, previous: PaperField[] | undefined): PaperField[] {
  const fields = commaList(value, previous);
  if (fields.every(isStoredField)) return fields;
  const unknown = fields.filter((field) => !isStoredField(field));
  throw new InvalidArgumentError(`It names an unknown field, ${unknown.map((field) => `"${field}"`).join(', ')}; the fields are ${storedFields.join(', ')}.`);
}

function isStoredField(field: string): field is PaperField {
  return storedFields.includes(field);
}

/** Repeated only: author names contain commas. */
function repeated(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), nonEmpty(value)];
}

/** A year range that ends before it starts matches nothing: a mistake, said before anything is asked. */
function checkYearRange(flags: ListFlags): void {
  if (flags.yearFrom !== undefined && flags.yearTo !== undefined && flags.yearFrom > flags.yearTo) {
    throw new UsageError(`--year-from ${flags.yearFrom} is after --year-to ${flags.yearTo}: no paper could match.`);
  }
}

/**
 * --url or --index. PAPER_SEARCH_URL stands for --url only when --index is not given: a shell that
 * exports it made every --index a usage error, as if both flags had been typed (flags win over
 * the environment everywhere else).
 */
export function addTargetOptions(command: Command): Command {
  return withUrlGivingWayToIndex(
    command.addOption(new Option('--url <url>', 'ask a running server (e.g. http://127.0.0.1:8080)').env('PAPER_SEARCH_URL').argParser(serverUrl)),
  )
    .addOption(new Option('--key <key>', 'API key sent to the server (when it sets AUTH_READS)').env('PAPER_SEARCH_API_KEY'))
    .addOption(new Option('--index <dir>', 'open this index folder in this process (default: INDEX_DIR, index-data/default)').argParser(nonEmpty));
}

/** --url and --index typed together are a usage error; PAPER_SEARCH_URL gives way to a typed --index. */
export function withUrlGivingWayToIndex(command: Command): Command {
  return command.hook('preAction', (target) => {
    if (target.getOptionValue('index') === undefined || target.getOptionValue('url') === undefined) return;
    if (target.getOptionValueSource('url') === 'env') target.setOptionValue('url', undefined);
    else target.error("error: option '--url <url>' cannot be used with option '--index <dir>'", { code: 'commander.conflictingOption', exitCode: 2 });
  });
}

export function addListOptions(command: Command): Command {
  return command
    .option('-k, --k <n>', `number of hits (1..${maxHitsPerPage}; default 10)`, hitCount)
    .option('--offset <n>', `hits to skip first (paging; offset + k at most ${maxPageEnd}, and ${hybridCandidates} in hybrid mode)`, hitsToSkip)
    .option('--year-from <year>', 'only papers from this year on', integer)
    .option('--year-to <year>', 'only papers up to this year', integer)
    .option('--category <list>', 'only papers in at least one of these categories (comma-separated or repeated; \\, for a comma within one)', commaList)
    .option('--author <name>', 'only papers by this author (repeat for several)', repeated)
    .option('--exclude <ids>', 'never return these papers (comma-separated)', commaList)
    .option('--threshold <score>', 'leave out hits scoring below this', number)
    .option('--fields <list>', 'stored fields to return (id and score always come back)', fieldList)
    .option('--explain', "add each retriever's rank and the abstract sentence closest to the query (k up to 20)")
    .option('--json', 'JSON lines even on a terminal');
}

/** `--format`: the papers as a reference manager's file instead of hits (every stored field, so not with --fields). */
export function addExportOption(command: Command): Command {
  return command.addOption(
    new Option('--format <format>', 'write the papers as a BibTeX, RIS or CSL-JSON file (for a reference manager)')
      .choices(exportFormats)
      .conflicts(['fields', 'json', 'explain']),
  );
}

export function addModeOption(command: Command): Command {
  return command.addOption(new Option('--mode <mode>', 'hybrid (default), dense (meaning) or lexical (words)').choices(searchModes));
}

/** The body fields of a ranked list (POST routes). */
export function listBody(flags: ListFlags): Omit<SearchRequest, 'query' | 'mode'> {
  checkYearRange(flags);
  const filter = {
    ...(flags.yearFrom !== undefined || flags.yearTo !== undefined ? { year: { gte: flags.yearFrom, lte: flags.yearTo } } : {}),
    ...(flags.category?.length ? { categories: { any: flags.category } } : {}),
    ...(flags.author?.length ? { authors: { any: flags.author } } : {}),
    ...(flags.exclude?.length ? { exclude_ids: flags.exclude } : {}),
  };
  return {
    k: flags.k,
    offset: flags.offset,
    score_threshold: flags.threshold,
    fields: flags.fields,
    explain: flags.explain,
    ...(Object.keys(filter).length > 0 ? { filter } : {}),
  };
}

/** The same options as the GET route's query parameters (`/v1/papers/:id/related`). */
export function listParameters(flags: ListFlags): Record<string, string | number | boolean | string[] | undefined> {
  checkYearRange(flags);
  return {
    k: flags.k,
    offset: flags.offset,
    score_threshold: flags.threshold,
    fields: flags.fields,
    explain: flags.explain,
    year_gte: flags.yearFrom,
    year_lte: flags.yearTo,
    categories_any: flags.category,
    authors_any: flags.author,
    exclude_ids: flags.exclude,
  };
}
