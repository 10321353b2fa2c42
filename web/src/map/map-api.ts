import { api } from '../api.js';
import { float32FromBase64, type MapData } from './map-data.js';

/** GET /v1/map as the server sends it. */
interface MapResponse {
  ids: string[];
  x: string;
  y: string;
  /** Group names; `group[i]` is paper i's index into them. */
  groups: string[];
  group: number[];
}

/** The collection map, decoded into columns, groups ordered largest first (so the palette colours the largest). */
export async function loadMap(signal: AbortSignal): Promise<MapData> {
  const answer = await api<MapResponse>('/v1/map', { signal });
  const x = float32FromBase64(answer.x);
  const y = float32FromBase64(answer.y);
  const counts = answer.groups.map(() => 0);
  for (const g of answer.group) counts[g] = (counts[g] ?? 0) + 1;
  const order = answer.groups
    .map((name, index) => ({ name, index, count: counts[index] ?? 0 }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  const rankOf = new Uint16Array(answer.groups.length);
  order.forEach((entry, rank) => (rankOf[entry.index] = rank));
  return {
    ids: answer.ids,
    x,
    y,
    group: Uint16Array.from(answer.group, (g) => rankOf[g] ?? 0),
    groups: order.map(({ name, count }) => ({ name, count })),
  };
}
