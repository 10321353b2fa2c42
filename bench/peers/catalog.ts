import { chroma } from './chroma.js';
import { hnswlibDirect } from './hnswlib-direct.js';
import { lancedbFlat, lancedbHnsw } from './lancedb.js';
import { orama } from './orama.js';
import { paperSearch } from './paper-search.js';
import type { PeerDescription } from './peer-index.js';
import { usearch } from './usearch.js';
import { vectraJson, vectraProtobuf } from './vectra.js';

/** Every index the peer section measures, by the key used on the command line. */
export const peers: Record<string, PeerDescription> = {
  'paper-search': paperSearch,
  'hnswlib-direct': hnswlibDirect,
  usearch,
  'lancedb-flat': lancedbFlat,
  'lancedb-hnsw': lancedbHnsw,
  orama,
  vectra: vectraJson,
  'vectra-protobuf': vectraProtobuf,
  chroma,
};
