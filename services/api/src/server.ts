import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { createServer, type Server, type ServerResponse } from 'node:http';
import {
  authenticateLocal,
  createContextInner,
  type ApiDeps,
  type Authenticate,
} from './context.ts';
import { appRouter } from './router.ts';

export interface ApiServerOptions extends ApiDeps {
  authenticate?: Authenticate;
}

/**
 * tRPC under `/trpc`, plus `GET /healthz` (the process answers) and
 * `GET /readyz` (Redis answers). Plain `node:http` with tRPC's standalone
 * handler: no framework to learn for three routes (docs/architecture.md).
 */
export function createApiServer(options: ApiServerOptions): Server {
  const { authenticate = authenticateLocal, ...deps } = options;
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    createContext: ({ req }) => createContextInner(deps, authenticate(req)),
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR')
        deps.logger.error(
          { err: error.cause ?? error, path },
          'procedure failed',
        );
      else
        deps.logger.debug(
          { code: error.code, path, message: error.message },
          'procedure rejected',
        );
    },
  });

  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path?.startsWith('/trpc/')) {
      void trpc(req, res);
      return;
    }
    if (req.method === 'GET' && path === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    if (req.method === 'GET' && path === '/readyz') {
      deps.queues.readiness().then(
        (readiness) => sendJson(res, readiness.ready ? 200 : 503, readiness),
        () => sendJson(res, 503, { ready: false }),
      );
      return;
    }
    sendJson(res, 404, { error: 'Not found' });
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
