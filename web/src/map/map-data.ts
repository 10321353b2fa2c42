/** Every paper's place on the collection map, in columns (75,000 papers are a few typed arrays, not 75,000 objects). */
export interface MapData {
  ids: string[];
  x: Float32Array;
  y: Float32Array;
  /** Each paper's group (its primary category), an index into `groups`. */
  group: Uint16Array;
  /** Largest first; "other" holds the papers without a category. */
  groups: { name: string; count: number }[];
}

/** A point index per paper id, for highlighting a list of results. */
export function indexById(data: MapData): Map<string, number> {
  return new Map(data.ids.map((id, index) => [id, index]));
}

function bytesFromBase64(text: string): DataView {
  const bytes = Uint8Array.from(atob(text), (character) => character.charCodeAt(0));
  return new DataView(bytes.buffer);
}

/** Decodes base64 little-endian float32 values. */
export function float32FromBase64(text: string): Float32Array {
  const view = bytesFromBase64(text);
  const values = new Float32Array(view.byteLength / 4);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true);
  return values;
}

/** Decodes base64 little-endian uint16 values. */
export function uint16FromBase64(text: string): Uint16Array {
  const view = bytesFromBase64(text);
  const values = new Uint16Array(view.byteLength / 2);
  for (let i = 0; i < values.length; i++) values[i] = view.getUint16(i * 2, true);
  return values;
}
