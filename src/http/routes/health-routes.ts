import { Router } from 'express';
import type { IndexInfo } from '../../search/search-service.js';
import type { ServiceState } from '../../service-state.js';
import { withTimeout } from '../../shared/time-limit.js';
import { notReadyRetryAfterSeconds } from '../error-handling.js';
import { methodNotAllowed } from '../route-refusals.js';

/**
 * How long /readyz waits for the index's figures. A cluster's count can wait on a failing node for
 * tens of seconds, longer than a load balancer's probe: past this, readiness answers with the
 * figures it last had (or none), as readiness itself never waits on storage.
 */
const indexInfoWaitMs = 1_000;

export function healthRoutes(state: ServiceState): Router {
  const router = Router();
  let lastInfo: { service: unknown; info: IndexInfo } | undefined;
  router.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });
  router.all('/healthz', methodNotAllowed(['GET']));
  router.get('/readyz', async (_request, response) => {
    const service = state.service;
    if (!service) {
      // When to look again, as the API's not_ready and shutting_down answers say.
      response.setHeader('Retry-After', String(notReadyRetryAfterSeconds));
      response.status(503).json({ status: state.phase });
      return;
    }
    // Degraded storage (part of a cluster down) still answers: ready, and says so.
    const { status: storage, reason } = service.storageHealth;
    const storageFields = { storage, ...(reason ? { storage_reason: reason } : {}) };
    const readiness = service.readiness;
    if (readiness !== 'ready') {
      response.status(503).json({ status: readiness, ...storageFields });
      return;
    }
    // A failure too is the storage health's to tell, not readiness's.
    const info = await withTimeout(service.info(), indexInfoWaitMs).catch(() => undefined);
    if (info) lastInfo = { service, info };
    const index = info ?? (lastInfo?.service === service ? lastInfo.info : undefined);
    response.json({ status: 'ready', ...storageFields, ...(index ? { index } : {}) });
  });
  router.all('/readyz', methodNotAllowed(['GET']));
  return router;
}
