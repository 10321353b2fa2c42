import { Router } from 'express';
import type { ServiceState } from '../../service-state.js';

export function healthRoutes(state: ServiceState): Router {
  const router = Router();
  router.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });
  router.get('/readyz', (_request, response) => {
    const service = state.service;
    if (!service) {
      response.status(503).json({ status: state.phase });
      return;
    }
    response.json({ status: 'ready', index: service.info });
  });
  return router;
}
