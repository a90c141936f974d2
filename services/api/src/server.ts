import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { findRoute, type HttpRoute } from '@conveyor/queue';
import { requestedTenant, type Authenticate } from './auth/authenticate.ts';
import { LOCAL_PRINCIPAL } from './auth/principal.ts';
import { createContextInner, type ApiDeps } from './context.ts';
import { handleCors } from './http/cors.ts';
import { DEFAULT_HTTP_OPTIONS, type HttpOptions } from './http/http-options.ts';
import { sendTrpcError } from './http/send-error.ts';
import { appRouter } from './router.ts';
import { toTRPCError } from './to-trpc-error.ts';

export interface ApiServerOptions extends ApiDeps {
  /** Who is calling (`createAuthenticate`); everyone is the local admin when omitted. */
  authenticate?: Authenticate;
  /** Body, batch and timeout bounds, CORS; each defaults to `DEFAULT_HTTP_OPTIONS`. */
  http?: Partial<HttpOptions>;
  /** Mounted beside `/trpc`, `/healthz` and `/readyz` (`/metrics`, `/admin`). */
  routes?: readonly HttpRoute[];
}

/**
 * tRPC under `/trpc`, plus `GET /healthz` (the process answers) and
 * `GET /readyz` (Redis answers). Plain `node:http` with tRPC's standalone
 * handler: no framework to learn for three routes (docs/architecture.md).
 */
export function createApiServer(options: ApiServerOptions): Server {
  const {
    authenticate = () => Promise.resolve(LOCAL_PRINCIPAL),
    http: httpOptions,
    routes = [],
    ...deps
  } = options;
  const http = { ...DEFAULT_HTTP_OPTIONS, ...httpOptions };
  const corsOrigins = new Set(http.corsOrigins);
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    // Both enforced by tRPC before any input is decoded: the body while it
    // streams in (413), the batch from the URL's paths (400).
    maxBodySize: http.maxBodyBytes,
    maxBatchSize: http.maxBatchCalls,
    createContext: async ({ req }) => {
      try {
        const principal = await authenticate(req);
        return createContextInner(deps, principal, requestedTenant(req));
      } catch (error) {
        throw toTRPCError(error); // credentials that cannot be checked: 503
      }
    },
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

  const server = createServer(
    {
      headersTimeout: http.headersTimeoutMs,
      requestTimeout: http.requestTimeoutMs,
      connectionsCheckingInterval: http.timeoutCheckIntervalMs,
    },
    (req, res) => {
      res.setHeader('x-content-type-options', 'nosniff');
      if (handleCors(req, res, corsOrigins)) return;
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (path.startsWith('/trpc/')) {
        if (acceptedByTrpc(req, res)) void trpc(req, res);
        return;
      }
      const route = findRoute(routes, path);
      if (route) {
        void Promise.resolve(route.handle(req, res)).catch((error: unknown) => {
          deps.logger.error({ err: error, path: route.path }, 'route failed');
          if (!res.headersSent) sendJson(res, 500, { error: 'Internal error' });
        });
        return;
      }
      answerOwnRoute(req, res, path, deps.queues);
    },
  );
  server.keepAliveTimeout = http.keepAliveTimeoutMs;
  return server;
}

/**
 * Only GET (queries, subscriptions) and POST (mutations, JSON) reach tRPC:
 * its other content types (form data, octet streams) serve no procedure
 * here, and other methods failed inside it as 500s.
 */
function acceptedByTrpc(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET' && req.method !== 'POST') {
    sendTrpcError(res, 405, 'METHOD_NOT_SUPPORTED', 'Use GET or POST', {
      allow: 'GET, POST',
    });
    return false;
  }
  const type = req.headers['content-type']?.split(';')[0]?.trim();
  if (req.method === 'POST' && type?.toLowerCase() !== 'application/json') {
    sendTrpcError(
      res,
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Unsupported content type: send application/json',
    );
    return false;
  }
  return true;
}

/** `/healthz`, `/readyz`, and a 404 for anything else. */
function answerOwnRoute(
  req: IncomingMessage,
  res: ServerResponse,
  path: string | undefined,
  queues: ApiDeps['queues'],
): void {
  if (req.method === 'GET' && path === '/healthz') {
    sendJson(res, 200, { status: 'ok' });
    return;
  }
  if (req.method === 'GET' && path === '/readyz') {
    queues.readiness().then(
      (readiness) => sendJson(res, readiness.ready ? 200 : 503, readiness),
      () => sendJson(res, 503, { ready: false }),
    );
    return;
  }
  sendJson(res, 404, { error: 'Not found' });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
