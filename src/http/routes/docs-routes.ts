import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Router } from 'express';
import { methodNotAllowed } from '../route-refusals.js';
import { buildOpenApiDocument } from '../openapi.js';

const require = createRequire(import.meta.url);
const packageVersion = (require('../../../package.json') as { version: string }).version;
/** Swagger UI's files come from its npm package: the reference page works offline. */
const swaggerUiFolder = dirname(require.resolve('swagger-ui-dist/package.json'));
/** The only files of the package the page needs; the rest (its demo page, its package.json) is not served. */
const swaggerUiAssets: ReadonlyMap<string, string> = new Map([
  ['swagger-ui.css', join(swaggerUiFolder, 'swagger-ui.css')],
  ['swagger-ui-bundle.js', join(swaggerUiFolder, 'swagger-ui-bundle.js')],
]);

/** The search page's icon (web/index.html): without one the browser asks for /favicon.ico, a 404. */
const iconSvg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="6.5" cy="6.5" r="4.5" fill="none" stroke="#2563eb" stroke-width="2"/><path d="M10 10l4.5 4.5" stroke="#2563eb" stroke-width="2"/></svg>\n`;

const docsPage = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>paper-search API</title>
  <link rel="icon" href="/docs/assets/icon.svg">
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="reference"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/reference.js"></script>
</body>
</html>
`;

/** A file rather than an inline script, so the content security policy allows no inline script. */
const referenceScript = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#reference' });\n`;

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
  router.get('/docs/assets/icon.svg', (_request, response) => {
    response.type('svg').setHeader('Cache-Control', 'public, max-age=3600').send(iconSvg);
  });
  router.get('/docs/assets/reference.js', (_request, response) => {
    response.type('js').setHeader('Cache-Control', 'public, max-age=3600').send(referenceScript);
  });
  router.get('/docs/assets/:file', (request, response, next) => {
    // A Map: an object's own lookup also found "constructor" and "__proto__" (a 500).
    const path = swaggerUiAssets.get(request.params.file);
    if (!path) return next();
    response.sendFile(path, { maxAge: '1h' });
  });
  return router;
}
