import { createRequire } from 'node:module';

/**
 * What the peer comparison needs of a vector library: build from the stored vectors, answer
 * k-nearest by inner product with labels. Peer packages live in bench/node_modules and are loaded
 * with import() by name, with local types for the few calls made, so the product's typecheck
 * and CI never need them installed.
 */
export interface PeerIndex {
  /** Adds vectors 0..count-1 (row-major, unit length) under their row numbers as labels. */
  build(vectors: Float32Array, count: number, dimension: number): Promise<void>;
  /** Labels of the k nearest vectors, best first. */
  query(vector: Float32Array, k: number): Promise<number[]>;
  /** A separate server process whose memory is the peer's (Chroma); otherwise this process. */
  readonly serverPid?: number;
  close(): Promise<void>;
}

export interface PeerDescription {
  /** Name in the results table. */
  name: string;
  /** What kind of search it does, as configured here. */
  method: string;
  create(workDir: string): Promise<PeerIndex>;
}

export function importBenchPackage<T>(name: string): Promise<T> {
  return import(name) as Promise<T>;
}

/**
 * A bench package through its CommonJS entry point, for packages whose ES module entry cannot
 * load: usearch's looks for its native build by walking up from a file: URL, which never reaches
 * "/", and spins forever.
 */
export function requireBenchPackage<T>(name: string): T {
  return createRequire(import.meta.url)(name) as T;
}
