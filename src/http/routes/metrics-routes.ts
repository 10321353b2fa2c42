import { Router, type RequestHandler } from 'express';
import type { ServiceMetrics } from '../../metrics/service-metrics.js';
import { methodNotAllowed } from '../route-refusals.js';

/** GET /metrics: every metric in the Prometheus text format; behind `guard` when metrics need a key. */
export function metricsRoutes(metrics: ServiceMetrics, guard: RequestHandler): Router {
  const router = Router();
  router.get('/metrics', guard, async (_request, response) => {
    response.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  router.all('/metrics', methodNotAllowed(['GET']));
  return router;
}
