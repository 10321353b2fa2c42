import { api } from '../api.js';
import { float32FromBase64, uint16FromBase64, type MapData } from './map-data.js';

/** GET /v1/map as the server sends it: columns in base64 (little-endian), groups largest first. */
interface MapResponse {
  count: number;
  ids: string[];
  x: string;
  y: string;
  groups: string[];
  group_sizes: number[];
  group: string;
}

/** The collection map, decoded into typed columns. */
export async function loadMap(signal: AbortSignal): Promise<MapData> {
  const answer = await api<MapResponse>('/v1/map', { signal });
  return {
    ids: answer.ids,
    x: float32FromBase64(answer.x),
    y: float32FromBase64(answer.y),
    group: uint16FromBase64(answer.group),
    groups: answer.groups.map((name, index) => ({ name, count: answer.group_sizes[index] ?? 0 })),
  };
}
