import type { PaperMap } from '../storage/paper-storage.js';

/** The group of papers without a category (and of the rarest categories past the group limit). */
export const otherGroup = 'other';

/** Groups are numbered in 16 bits on the wire. */
const maxGroups = 65_535;

/** A collection's map with its papers grouped by primary category, the way the map is drawn (one colour per group). */
export interface CollectionMap {
  ids: string[];
  x: Float32Array;
  y: Float32Array;
  /** Group names, largest group first (ties by name). */
  groups: string[];
  /** Papers in each group, parallel to `groups`. */
  groupSizes: number[];
  /** Each paper's group, as an index into `groups`. */
  group: Uint16Array;
  method: PaperMap['method'];
  builtAt: string;
}

/**
 * Groups the papers of a map by their primary (first) category; papers without one are in the
 * group "other" (which a category literally named "other" joins).
 */
export function groupByPrimaryCategory(map: PaperMap): CollectionMap {
  const sizes = new Map<string, number>();
  const names = map.primaryCategories.map((category) => category ?? otherGroup);
  for (const name of names) sizes.set(name, (sizes.get(name) ?? 0) + 1);
  let ordered = [...sizes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  if (ordered.length > maxGroups) {
    const kept = ordered.slice(0, maxGroups - 1).filter(([name]) => name !== otherGroup);
    const rest = map.ids.length - kept.reduce((sum, [, size]) => sum + size, 0);
    ordered = [...kept, [otherGroup, rest]];
  }
  const indexOf = new Map(ordered.map(([name], i) => [name, i]));
  const other = indexOf.get(otherGroup);
  const group = Uint16Array.from(names, (name) => indexOf.get(name) ?? other!);
  return {
    ids: map.ids,
    x: map.x,
    y: map.y,
    groups: ordered.map(([name]) => name),
    groupSizes: ordered.map(([, size]) => size),
    group,
    method: map.method,
    builtAt: map.builtAt,
  };
}
