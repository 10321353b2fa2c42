/** A record of a tagged format (RIS, MEDLINE, Web of Science) as it is read: each tag's values in order, the line it opened on, the tag of its last value. */
export interface TaggedRecord {
  line: number;
  tags: Map<string, string[]>;
  lastTag?: string;
}

export function addTagValue(record: TaggedRecord, tag: string, value: string): void {
  const values = record.tags.get(tag);
  if (values) values.push(value.trim());
  else record.tags.set(tag, [value.trim()]);
  record.lastTag = tag;
}

/**
 * A wrapped line's text added to the record's last value. Joined without trimming the whole value
 * again: trimming a value grown line by line copied it at every line (a value of 160,000 one-word
 * lines took seconds).
 */
export function continueLastValue(record: TaggedRecord | undefined, line: string): void {
  const values = record?.lastTag ? record.tags.get(record.lastTag) : undefined;
  const piece = line.trim();
  if (!values || piece.length === 0) return;
  const last = values[values.length - 1]!;
  values[values.length - 1] = last.length > 0 ? `${last} ${piece}` : piece;
}

/** A record's values of a tag, empty ones left out (`all`), and the first value of the first of several tags that has one (`first`). */
export function tagValues(tags: ReadonlyMap<string, readonly string[]>): { all: (tag: string) => string[]; first: (...names: string[]) => string | undefined } {
  const all = (tag: string) => (tags.get(tag) ?? []).filter((value) => value.length > 0);
  const first = (...names: string[]) => names.map((name) => all(name)[0]).find((value) => value !== undefined);
  return { all, first };
}
