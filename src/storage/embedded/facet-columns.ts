import type { NamedAuthor } from '../../papers/author-query.js';
import { authorDisplayName, topValues, type FacetCounts, type FacetFields, type FacetName } from '../../papers/paper-facets.js';
import { normalizeAuthorName, wantedAuthorNames, type PaperFilter } from '../../papers/paper-filter.js';
import type { PaperStore } from './paper-store.js';

const noYear = -1;
/** Years are 0..9999 (the paper schema's range): counted in an array, not a map. */
const yearSlots = 10_000;

/**
 * The facet fields of every label in compact columns, so facets are counted, and metadata filters
 * evaluated, without reading a record: the year per label, and per label the ids of its
 * categories and authors in a dictionary of distinct values. Labels are only ever appended (a
 * replaced paper gets a new label), so the columns are append-only too; a tombstone keeps its
 * values and callers skip it.
 */
export class FacetColumns {
  private years = new Int16Array(1024);
  private labels = 0;
  private readonly yearCounter = new Counter(() => yearSlots);

  private constructor(
    readonly categories: ValueColumn,
    readonly authors: ValueColumn,
  ) {}

  static empty(): FacetColumns {
    return new FacetColumns(new ValueColumn(new Dictionary(undefined)), new ValueColumn(new Dictionary(normalizeAuthorName, authorDisplayName)));
  }

  /** The columns of every label of `papers` (tombstones get no values). */
  static build(papers: PaperStore): FacetColumns {
    const columns = FacetColumns.empty();
    columns.catchUp(papers, papers.size);
    return columns;
  }

  /** Appends the labels of `papers` from `size` up to `until`, read from their records. */
  catchUp(papers: PaperStore, until: number): void {
    for (let label = this.labels; label < until; label++) this.append(papers.isLive(label) ? papers.facetFieldsOf(label) : {});
  }

  /**
   * Columns for the labels of `to` taken from `previous`, the columns of `from`, by paper id; a
   * label whose id `from` no longer has is read from `to`. Carries the columns across a snapshot
   * swap: the new folder holds the same papers renumbered. A paper changed since the snapshot
   * was taken may carry its newer values, but the writes replayed on the new index then tombstone
   * that label, and tombstones are never counted.
   */
  static carried(previous: FacetColumns, from: PaperStore, to: PaperStore): FacetColumns {
    // New dictionaries, holding the values of the papers carried only: shared, they kept every
    // value ever written (a deleted paper's thousands of authors) until the process ended.
    const columns = new FacetColumns(previous.categories.emptyLike(), previous.authors.emptyLike());
    const carry = { categories: columns.categories.carrierFrom(previous.categories), authors: columns.authors.carrierFrom(previous.authors) };
    for (let label = 0; label < to.size; label++) {
      if (!to.isLive(label)) {
        columns.append({});
        continue;
      }
      const old = from.labelOfId(to.idOf(label));
      if (old === undefined || old >= previous.size) columns.append(to.facetFieldsOf(label));
      else columns.appendCopy(previous, old, carry);
    }
    return columns;
  }

  /** Labels covered: the next append is this label. */
  get size(): number {
    return this.labels;
  }

  append(fields: FacetFields): void {
    this.growYears();
    this.years[this.labels++] = fields.year ?? noYear;
    this.categories.append(fields.categories);
    this.authors.append(fields.authors);
  }

  /** The first category of a label, as the record lists them (its primary category on arXiv). */
  primaryCategory(label: number): string | undefined {
    const ids = this.categories.idsOf(label);
    return ids.length > 0 ? this.categories.dictionary.values[ids[0]!] : undefined;
  }

  /**
   * The metadata conditions of a filter (what paperMatcher checks on a record) as a predicate on
   * labels, read from the columns; undefined when the filter asks nothing of the metadata.
   * Tombstones and `exclude_ids` are the caller's.
   */
  matcher(filter: PaperFilter | undefined): ((label: number) => boolean) | undefined {
    if (!filter) return undefined;
    const checks: ((label: number) => boolean)[] = [];
    const { year, categories, authors } = filter;
    if (year && Object.values(year).some((bound) => bound !== undefined)) {
      checks.push((label) => {
        const value = this.years[label]!;
        return (
          value !== noYear &&
          (year.gte === undefined || value >= year.gte) &&
          (year.lte === undefined || value <= year.lte) &&
          (year.gt === undefined || value > year.gt) &&
          (year.lt === undefined || value < year.lt)
        );
      });
    }
    if (categories?.any && categories.any.length > 0) checks.push(this.categories.hasAny(categories.any));
    if (categories?.all && categories.all.length > 0) checks.push(this.categories.hasAll(categories.all));
    if (authors?.any && authors.any.length > 0) checks.push(this.authors.hasAny(wantedAuthorNames(authors.any)));
    if (checks.length === 0) return undefined;
    return (label) => checks.every((check) => check(label));
  }

  /**
   * The author `name` is (read as the authors filter reads it), as the collection first wrote the
   * name, and how many labels `isLive` keeps list them: a lookup in the dictionary, and a pass over
   * the labels only for a name some paper holds.
   */
  author(name: string, isLive: (label: number) => boolean): NamedAuthor | undefined {
    const id = this.authors.dictionary.idOf(wantedAuthorNames([name])[0]!);
    const papers = id === undefined ? 0 : this.authors.labelsWith(id, isLive);
    return papers > 0 ? { name: this.authors.dictionary.values[id!]!, papers } : undefined;
  }

  /** Counts the facets `fields` over `labels` (each counted once as given: callers leave out tombstones). */
  count(labels: readonly number[], fields: readonly FacetName[], maxValues: number): FacetCounts {
    const wanted = new Set(fields);
    const distribution: FacetCounts['distribution'] = {};
    const stats: FacetCounts['stats'] = {};
    if (wanted.has('year')) {
      const years = this.yearCounter.count(labels, (label, add) => {
        const year = this.years[label]!;
        if (year !== noYear) add(year);
      });
      distribution.year = years.top(String, maxValues);
      if (years.touched.length > 0) stats.year = { min: Math.min(...years.touched), max: Math.max(...years.touched) };
    }
    if (wanted.has('categories')) distribution.categories = this.categories.count(labels, maxValues);
    if (wanted.has('authors')) distribution.authors = this.authors.count(labels, maxValues);
    return { distribution, stats, papers: labels.length };
  }

  private appendCopy(previous: FacetColumns, label: number, carry: Record<'categories' | 'authors', (id: number) => number>): void {
    this.growYears();
    this.years[this.labels++] = previous.years[label]!;
    this.categories.appendIds(Array.from(previous.categories.idsOf(label), carry.categories));
    this.authors.appendIds(Array.from(previous.authors.idsOf(label), carry.authors));
  }

  private growYears(): void {
    if (this.labels < this.years.length) return;
    const grown = new Int16Array(this.years.length * 2);
    grown.set(this.years);
    this.years = grown;
  }
}

/**
 * Counts small integer ids (dictionary ids, years) in a reused array, remembering which it
 * touched: a ranked list's hundred candidates are counted without allocating or scanning an
 * array the size of the dictionary (176,000 authors at 75,000 papers). Synchronous, so one
 * count never overlaps another.
 */
class Counter {
  private counts = new Int32Array(0);
  touched: number[] = [];

  constructor(private readonly slots: () => number) {}

  count(labels: readonly number[], visit: (label: number, add: (id: number) => void) => void): this {
    if (this.counts.length < this.slots()) this.counts = new Int32Array(Math.max(this.slots(), this.counts.length * 2));
    const counts = this.counts;
    const touched: number[] = [];
    const add = (id: number) => {
      if (counts[id]!++ === 0) touched.push(id);
    };
    for (const label of labels) visit(label, add);
    this.touched = touched;
    return this;
  }

  /** The most frequent of the ids counted last, named by `name`; resets the counts. */
  top(name: (id: number) => string, limit: number): Record<string, number> {
    const counts = this.touched.map((id) => this.counts[id]!);
    const result = topValues(this.touched.map(name), counts, limit);
    for (const id of this.touched) this.counts[id] = 0;
    return result;
  }
}

/**
 * Distinct values of a field, each with a dense id. Values are told apart by `keyOf` (authors by
 * their normalized name; as written without one) and shown as `display` makes the first one seen.
 */
class Dictionary {
  readonly values: string[] = [];
  /** Each id's key, so that another dictionary can take the value without normalizing it again. */
  private readonly keys: string[] = [];
  private readonly idByKey = new Map<string, number>();
  constructor(
    private readonly keyOf: ((value: string) => string) | undefined,
    private readonly display: (value: string) => string = (value) => value,
  ) {}

  /** An empty dictionary telling values apart and showing them as this one does. */
  emptyLike(): Dictionary {
    return new Dictionary(this.keyOf, this.display);
  }

  /** The id here of the value `from` has under `id`, added if new (shown as `from` shows it). */
  adopt(from: Dictionary, id: number): number {
    const key = from.keys[id]!;
    let own = this.idByKey.get(key);
    if (own === undefined) {
      own = this.values.length;
      this.values.push(from.values[id]!);
      this.keys.push(key);
      this.idByKey.set(key, own);
    }
    return own;
  }

  get size(): number {
    return this.values.length;
  }

  idOf(value: string): number | undefined {
    return this.idByKey.get(this.keyOf ? this.keyOf(value) : value);
  }

  /** The id of `value`, added if new; undefined for a value that is empty once normalized. */
  intern(value: string): number | undefined {
    const key = this.keyOf ? this.keyOf(value) : value;
    if (key.length === 0) return undefined;
    let id = this.idByKey.get(key);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(this.display(value));
      this.keys.push(key);
      this.idByKey.set(key, id);
    }
    return id;
  }
}

/** The dictionary ids of a many-valued field per label, as offsets into one growing array. */
class ValueColumn {
  private offsets: Uint32Array<ArrayBuffer> = new Uint32Array(1025);
  private ids: Uint32Array<ArrayBuffer> = new Uint32Array(4096);
  private labels = 0;

  private readonly counter = new Counter(() => this.dictionary.size);

  constructor(readonly dictionary: Dictionary) {}

  /** An empty column with an empty dictionary of the same kind. */
  emptyLike(): ValueColumn {
    return new ValueColumn(this.dictionary.emptyLike());
  }

  /** Maps the dictionary ids of `previous` to this column's, each value adopted once. */
  carrierFrom(previous: ValueColumn): (id: number) => number {
    const adopted = new Int32Array(previous.dictionary.size).fill(-1);
    return (id) => {
      if (adopted[id] === -1) adopted[id] = this.dictionary.adopt(previous.dictionary, id);
      return adopted[id]!;
    };
  }

  /** Appends the next label's values, each once, in their order. */
  append(values: readonly string[] | undefined): void {
    // A set keeps the first place of each: looking for each id among the ones before it was
    // quadratic, half a second on the main thread for a paper of 10,000 authors.
    const ids = new Set<number>();
    for (const value of values ?? []) {
      const id = this.dictionary.intern(value);
      if (id !== undefined) ids.add(id);
    }
    this.appendIds([...ids]);
  }

  appendIds(ids: ArrayLike<number>): void {
    const start = this.offsets[this.labels]!;
    if (this.labels + 2 > this.offsets.length) this.offsets = grow(this.offsets, this.labels + 2);
    if (start + ids.length > this.ids.length) this.ids = grow(this.ids, start + ids.length);
    for (let i = 0; i < ids.length; i++) this.ids[start + i] = ids[i]!;
    this.offsets[++this.labels] = start + ids.length;
  }

  idsOf(label: number): Uint32Array {
    return this.ids.subarray(this.offsets[label], this.offsets[label + 1]);
  }

  /** The `limit` values most labels of `labels` have, with how many have each. */
  count(labels: readonly number[], limit: number): Record<string, number> {
    const { ids, offsets } = this;
    const counted = this.counter.count(labels, (label, add) => {
      for (let at = offsets[label]!; at < offsets[label + 1]!; at++) add(ids[at]!);
    });
    return counted.top((id) => this.dictionary.values[id]!, limit);
  }

  /** How many labels `accept` keeps have the value `id`: one pass over the column, no label's ids copied out. */
  labelsWith(id: number, accept: (label: number) => boolean): number {
    const { ids, offsets } = this;
    let found = 0;
    for (let label = 0; label < this.labels; label++) {
      for (let at = offsets[label]!; at < offsets[label + 1]!; at++) {
        if (ids[at] !== id) continue;
        if (accept(label)) found++;
        break;
      }
    }
    return found;
  }

  hasAny(values: readonly string[]): (label: number) => boolean {
    const wanted = new Set(values.flatMap((value) => this.dictionary.idOf(value) ?? []));
    return (label) => this.idsOf(label).some((id) => wanted.has(id));
  }

  hasAll(values: readonly string[]): (label: number) => boolean {
    const required = values.map((value) => this.dictionary.idOf(value));
    if (required.some((id) => id === undefined)) return () => false;
    return (label) => {
      const ids = this.idsOf(label);
      return required.every((id) => ids.includes(id!));
    };
  }
}

function grow(array: Uint32Array, atLeast: number): Uint32Array<ArrayBuffer> {
  const grown = new Uint32Array(Math.max(atLeast, array.length * 2));
  grown.set(array);
  return grown;
}
