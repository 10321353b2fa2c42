/**
 * Engine failures that may pass: a query error (a shard on a node going down or coming back),
 * the gRPC channel unavailable, a timeout, a 5xx answer, or the connection itself. The client's
 * error classes are not exported, so they are told apart by name.
 */
export function isPassingEngineError(error: unknown): boolean {
  const name = (error as Error | undefined)?.name;
  if (name === 'WeaviateUnexpectedStatusCodeError') return ((error as { code?: number }).code ?? 0) >= 500;
  return name === 'WeaviateQueryError' || name === 'WeaviateGRPCUnavailableError' || name === 'WeaviateRequestTimeoutError' || isConnectionFailure(error);
}

function isConnectionFailure(error: unknown): boolean {
  const text = `${(error as Error)?.message ?? ''} ${String((error as { cause?: unknown })?.cause ?? '')}`;
  return /UNAVAILABLE|ECONNREFUSED|fetch failed|DEADLINE_EXCEEDED|connection/i.test(text);
}

/**
 * A write too few replicas acknowledged for the consistency level: it passes as the cluster
 * settles. insertMany reports each failed object's error as text only (the storage's insert
 * rethrows the first), so it is told apart by its message.
 */
export function isReplicaShortfall(error: unknown): boolean {
  return /replica/i.test((error as Error | undefined)?.message ?? '');
}

/** Weaviate answered 404 (no collection goes by that name), rather than not answering. */
export function isNotFoundAnswer(error: unknown): boolean {
  return (error as Error | undefined)?.name === 'WeaviateUnexpectedStatusCodeError' && (error as { code?: number }).code === 404;
}
