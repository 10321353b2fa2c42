import { api, ApiError } from '../api.js';
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

/**
 * While the server computes a layout it answers 503 map_building with Retry-After (a rough
 * estimate): ask again then, but at least this often, so the map shows soon after it is ready.
 */
const longestWaitSeconds = 5;

/**
 * The collection map, decoded into typed columns. While the server is still computing it,
 * `onBuilding` is called (the page says the map is being prepared) and the map is asked for again.
 */
export async function loadMap(signal: AbortSignal, onBuilding: () => void): Promise<MapData> {
  for (;;) {
    try {
      return decodeMap(await api<MapResponse>('/v1/map', { signal }));
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'map_building') throw error;
      onBuilding();
      await wait(Math.min(longestWaitSeconds, Math.max(1, error.retryAfterSeconds ?? 1)) * 1000, signal);
    }
  }
}

function decodeMap(answer: MapResponse): MapData {
  return {
    ids: answer.ids,
    x: float32FromBase64(answer.x),
    y: float32FromBase64(answer.y),
    group: uint16FromBase64(answer.group),
    groups: answer.groups.map((name, index) => ({ name, count: answer.group_sizes[index] ?? 0 })),
  };
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new DOMException('The map is no longer wanted.', 'AbortError'));
      },
      { once: true },
    );
  });
}
