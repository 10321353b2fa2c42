import { Router } from 'express';
import type { ServiceState } from '../../service-state.js';
import { methodNotAllowed } from '../error-handling.js';

export function healthRoutes(state: ServiceState): Router {
  const router = Router();
  router.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });
  router.all('/healthz', methodNotAllowed(['GET']));
  router.get('/readyz', async (_request, response) => {
    const service = state.service;
    if (!service) {
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
    response.json({ status: 'ready', ...storageFields, index: await service.info() });
  });
  router.all('/readyz', methodNotAllowed(['GET']));
  return router;
}
