import weaviate, { type WeaviateClient } from 'weaviate-client';
import type { StorageSettings } from '../../config/config.js';
import { AppError } from '../../errors.js';

export type WeaviateSettings = Omit<StorageSettings, 'BACKEND'>;

/** The default gRPC port of a Weaviate node. */
const defaultGrpcPort = 50_051;

/**
 * Connects to the cluster named by the settings (REST for schema and cluster calls, gRPC for
 * queries and batches). Connecting checks the server's version and gRPC health, so an
 * unreachable cluster is reported here, once, with both addresses.
 */
export async function connectWeaviate(settings: WeaviateSettings): Promise<WeaviateClient> {
  if (!settings.WEAVIATE_URL) throw new AppError('config_invalid', 'WEAVIATE_URL is not set.');
  const rest = new URL(settings.WEAVIATE_URL);
  const secure = rest.protocol === 'https:';
  const [grpcHost, grpcPort] = settings.WEAVIATE_GRPC ? splitHostPort(settings.WEAVIATE_GRPC) : [rest.hostname, defaultGrpcPort];
  try {
    return await weaviate.connectToCustom({
      httpHost: rest.hostname,
      httpPort: rest.port ? Number(rest.port) : secure ? 443 : 80,
      httpPath: rest.pathname === '/' ? '' : rest.pathname.replace(/\/$/, ''),
      httpSecure: secure,
      grpcHost,
      grpcPort,
      grpcSecure: secure,
      authCredentials: settings.WEAVIATE_API_KEY ? new weaviate.ApiKey(settings.WEAVIATE_API_KEY) : undefined,
      // Seconds. Inserts wait for the replicas the consistency level asks for.
      timeout: { init: 10, query: 30, insert: 120 },
    });
  } catch (error) {
    throw new AppError(
      'storage_unavailable',
      `Cannot reach the Weaviate cluster at ${settings.WEAVIATE_URL} (gRPC ${grpcHost}:${grpcPort}): ${(error as Error).message}`,
      { cause: error },
    );
  }
}

function splitHostPort(value: string): [string, number] {
  const at = value.lastIndexOf(':');
  return [value.slice(0, at), Number(value.slice(at + 1))];
}
