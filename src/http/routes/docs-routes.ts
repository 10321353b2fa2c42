import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import express, { Router } from 'express';
import { buildOpenApiDocument } from '../openapi.js';
import { methodNotAllowed } from '../error-handling.js';

const require = createRequire(import.meta.url);
const packageVersion = (require('../../../package.json') as { version: string }).version;
/** Swagger UI's static files come from its npm package: the reference page works offline. */
const swaggerUiFolder = dirname(require.resolve('swagger-ui-dist/package.json'));

const docsPage = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>paper-search API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="reference"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#reference' });</script>
</body>
</html>
`;

export function docsRoutes(): Router {
  const router = Router();
  const document = buildOpenApiDocument(packageVersion);
  router.get('/openapi.json', (_request, response) => {
    response.json(document);
  });
  router.all('/openapi.json', methodNotAllowed(['GET']));
  router.get('/docs', (_request, response) => {
    response.type('html').send(docsPage);
  });
  router.all('/docs', methodNotAllowed(['GET']));
  router.use('/docs/assets', express.static(swaggerUiFolder, { index: false, fallthrough: true }));
  return router;
}
