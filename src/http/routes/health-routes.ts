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
    const readiness = service ? service.readiness : state.phase;
    if (!service || readiness !== 'ready') {
      response.status(503).json({ status: readiness });
      return;
    }
    response.json({ status: 'ready', index: await service.info() });
  });
  router.all('/readyz', methodNotAllowed(['GET']));
  return router;
}
