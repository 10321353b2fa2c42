import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { methodNotAllowed } from '../route-refusals.js';
import { isApiPath } from '../rate-limit.js';

/**
 * Where the search page is built (`vite build`, run by the package's build): `dist/web` in the
 * package, found from this file whether it runs compiled (dist/http/routes) or from source
 * (src/http/routes, in tests).
 */
export function webPageFolder(): string {
  return join(fileURLToPath(new URL('../../../', import.meta.url)), 'dist', 'web');
}

/** The page's own addresses (not API routes): each view has a URL that can be shared or reloaded. */
export const webPagePaths = ['/', '/paper/:id', '/similar', '/map'];

const notBuilt = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>paper-search</title></head>
<body><p>The search page is not built. Run <code>npm run build</code> in the package folder, then reload.
The API works meanwhile: see <a href="/docs">/docs</a>.</p></body></html>
`;

/**
 * Whether a paper's page shows a paper: false only when the collection is known not to hold one by
 * that name. Absent where reads need a key (the page's status would tell who has none which ids exist).
 */
export type PaperPageCheck = (name: string) => Promise<boolean>;

/**
 * The search page: index.html for each of its views (never cached, so a new build is seen at
 * once) and its assets, whose names carry a content hash, cached for a year. A paper's page for a
 * paper the collection does not hold is answered 404 (the page says so), not 200, so that
 * crawlers and link checkers see it is missing.
 */
export function webRoutes(folder = webPageFolder(), paperShown?: PaperPageCheck): Router {
  const router = Router();
  const indexFile = join(folder, 'index.html');
  const sendPage = (response: Response) => {
    response.setHeader('Cache-Control', 'no-cache');
    if (!existsSync(indexFile)) {
      response.status(503).type('html').send(notBuilt);
      return;
    }
    response.sendFile(indexFile);
  };
  for (const path of webPagePaths) {
    router.get(path, async (request, response) => {
      const paperId = request.params['id'];
      if (paperShown && typeof paperId === 'string' && !(await paperShown(paperId))) response.status(404);
      sendPage(response);
    });
    router.all(path, methodNotAllowed(['GET']));
  }
  // A view's address whose id is not valid percent-encoding (`/paper/100%`) cannot be decoded into
  // its parameter: a browser gets the page, which says the paper is missing, rather than JSON.
  const undecodablePageAddress: ErrorRequestHandler = (error, request, response, next) => {
    if (!(error instanceof URIError) || !wantsPage(request)) {
      next(error);
      return;
    }
    response.status(404);
    sendPage(response);
  };
  router.use(undecodablePageAddress);
  router.use(
    '/assets',
    express.static(join(folder, 'assets'), {
      index: false,
      fallthrough: true,
      immutable: true,
      maxAge: '365d',
    }),
  );
  return router;
}

/**
 * A browser asking for an address that is neither a view of the page nor the API gets the page,
 * with status 404, which shows its own "not found" view with a way back, instead of the API's
 * JSON error. Clients of the API (which ask for JSON, or for anything) still get the JSON, and so
 * does everyone while the page is not built.
 */
export function pageNotFound(folder = webPageFolder()): RequestHandler {
  const indexFile = join(folder, 'index.html');
  return (request, response, next) => {
    if (isApiPath(request.path) || !wantsPage(request) || !existsSync(indexFile)) {
      next();
      return;
    }
    response.status(404).setHeader('Cache-Control', 'no-cache');
    response.sendFile(indexFile);
  };
}

/** A browser's request for a page: GET or HEAD, preferring HTML to JSON. */
function wantsPage(request: Request): boolean {
  return (request.method === 'GET' || request.method === 'HEAD') && request.accepts(['json', 'html']) === 'html';
}
