import type { SearchService } from './search/search-service.js';
import type { WriteService } from './writes/write-service.js';

export type Phase = 'starting' | 'ready' | 'stopping';

/**
 * The server listens before the model and index are loaded (so /healthz answers and /readyz can
 * say "not yet"); this holder is how the routes learn when the search service exists.
 */
export class ServiceState {
  private current: { phase: 'starting' } | { phase: 'ready'; service: SearchService; writes: WriteService } | { phase: 'stopping' } = { phase: 'starting' };

  get phase(): Phase {
    return this.current.phase;
  }

  get service(): SearchService | undefined {
    return this.current.phase === 'ready' ? this.current.service : undefined;
  }

  get writes(): WriteService | undefined {
    return this.current.phase === 'ready' ? this.current.writes : undefined;
  }

  markReady(service: SearchService, writes: WriteService): void {
    this.current = { phase: 'ready', service, writes };
  }

  markStopping(): void {
    this.current = { phase: 'stopping' };
  }
}
