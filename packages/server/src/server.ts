import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { findRoute, type HttpRoute } from '@conveyor/ops';
import type { Authenticate } from './auth/authenticate.ts';
import type { FailureLimiter } from './auth/failure-limiter.ts';
import type { ApiDeps } from './context.ts';
import { answerClientError } from './http/answer-client-error.ts';
import { handleCors } from './http/cors.ts';
import { createEnqueueFastPath } from './http/enqueue-fast-path.ts';
import { DEFAULT_HTTP_OPTIONS, type HttpOptions } from './http/http-options.ts';
import {
  acceptedByTrpc,
  createRequestContext,
  logProcedureError,
  openAuthenticate,
} from './http/trpc-request.ts';
import { refuseLimitedAddress } from './http/refuse-limited-address.ts';
import { routerFor } from './router-for.ts';

export interface ApiServerOptions extends ApiDeps {
  /** Who is calling (`createAuthenticate`); everyone is the local admin when omitted. */
  authenticate?: Authenticate;
  /** The limiter `authenticate` counts failures in: a refused address gets 429 with Retry-After here. */
  authFailures?: FailureLimiter;
  /** Body, batch and timeout bounds, CORS; each defaults to `DEFAULT_HTTP_OPTIONS`. */
  http?: Partial<HttpOptions>;
  /** Mounted beside `/trpc`, `/healthz` and `/readyz` (`/metrics`, `/admin`). */
  routes?: readonly HttpRoute[];
  /**
   * Enqueues skip tRPC's Fetch layer (`http/enqueue-fast-path.ts`), with
   * the same answers; false sends them through tRPC's handler too. Default true.
   */
  enqueueFastPath?: boolean;
}

/**
 * tRPC under `/trpc`, plus `GET /healthz` (the process answers) and
 * `GET /readyz` (Redis answers). Plain `node:http` with tRPC's standalone
 * handler: no framework to learn for three routes (docs/architecture.md).
 */
export function createApiServer(options: ApiServerOptions): Server {
  const {
    authenticate = openAuthenticate,
    http: httpOptions,
    routes = [],
    enqueueFastPath = true,
    ...deps
  } = options;
  const http = { ...DEFAULT_HTTP_OPTIONS, ...httpOptions };
  const corsOrigins = new Set(http.corsOrigins);
  const context = createRequestContext(deps, authenticate);
  const router = routerFor(deps.services.registry);
  const trpc = createHTTPHandler({
    router,
    basePath: '/trpc/',
    // Both enforced by tRPC before any input is decoded: the body while it
    // streams in (413), the batch from the URL's paths (400).
    maxBodySize: http.maxBodyBytes,
    maxBatchSize: http.maxBatchCalls,
    createContext: ({ req, res, info }) =>
      context(req, info, { res, batched: info.isBatchCall }),
    onError: logProcedureError(deps.logger),
  });
  const fastPath = enqueueFastPath
    ? createEnqueueFastPath({
        router,
        maxBodyBytes: http.maxBodyBytes,
        maxBatchCalls: http.maxBatchCalls,
        createContext: context,
        onError: logProcedureError(deps.logger),
      })
    : () => false;

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
        if (refuseLimitedAddress(req, res, options.authFailures)) return;
        if (acceptedByTrpc(req, res) && !fastPath(req, res))
          void trpc(req, res);
        return;
      }
      if (!answerRoute(routes, { req, res, path }, deps.logger))
        answerOwnRoute(req, res, path, deps.services.readiness);
    },
  );
  server.keepAliveTimeout = http.keepAliveTimeoutMs;
  server.on('clientError', answerClientError);
  return server;
}

/** A route mounted beside tRPC (`/metrics`, the dashboard); false when none matches. */
function answerRoute(
  routes: readonly HttpRoute[],
  {
    req,
    res,
    path,
  }: { req: IncomingMessage; res: ServerResponse; path: string },
  logger: ApiDeps['logger'],
): boolean {
  const route = findRoute(routes, path);
  if (!route) return false;
  void Promise.resolve(route.handle(req, res)).catch((error: unknown) => {
    logger.error({ err: error, path: route.path }, 'route failed');
    if (!res.headersSent) sendJson(res, 500, { error: 'Internal error' });
  });
  return true;
}

/** `/healthz`, `/readyz`, and a 404 for anything else. */
function answerOwnRoute(
  req: IncomingMessage,
  res: ServerResponse,
  path: string | undefined,
  readiness: ApiDeps['services']['readiness'],
): void {
  if (req.method === 'GET' && path === '/healthz') {
    sendJson(res, 200, { status: 'ok' });
    return;
  }
  if (req.method === 'GET' && path === '/readyz') {
    readiness.check().then(
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
