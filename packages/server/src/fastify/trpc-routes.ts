import { fastifyRequestHandler } from '@trpc/server/adapters/fastify';
import type { FastifyInstance } from 'fastify';
import type { Authenticate } from '../auth/authenticate.ts';
import type { FailureLimiter } from '../auth/failure-limiter.ts';
import type { ApiDeps } from '../context.ts';
import type { HttpOptions } from '../http/http-options.ts';
import { refuseLimitedAddress } from '../http/refuse-limited-address.ts';
import {
  acceptedByTrpc,
  createRequestContext,
  logProcedureError,
} from '../http/trpc-request.ts';
import { routerFor } from '../router-for.ts';
import { serializeRequestForLog } from './request-log-serializer.ts';

export interface TrpcRoutesOptions {
  deps: ApiDeps;
  authenticate: Authenticate;
  /** Where `authenticate` counts failures: a refused address gets 429 with Retry-After first. */
  authFailures?: FailureLimiter | undefined;
  http: Pick<HttpOptions, 'maxBodyBytes' | 'maxBatchCalls'>;
}

/**
 * The API's router under the prefix it is registered with, in its own
 * encapsulated scope (its body parser and hooks stay out of the host's
 * routes). Same checks as the standalone server: an address refused for
 * failed authentications, method and content type first, then tRPC with the same body and batch bounds.
 */
export function trpcRoutes(
  app: FastifyInstance,
  options: TrpcRoutesOptions,
): Promise<void> {
  const { deps, authenticate, http } = options;
  const context = createRequestContext(deps, authenticate);
  const router = routerFor(deps.services.registry);
  // Hands tRPC the raw stream, so it bounds the body as it arrives (413
  // in its own error shape) instead of Fastify buffering it first.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', (req, payload, done) => {
    done(null, payload);
  });
  app.addHook('onRequest', (req, reply, done) => {
    reply.raw.setHeader('x-content-type-options', 'nosniff');
    if (
      refuseLimitedAddress(req.raw, reply.raw, options.authFailures) ||
      !acceptedByTrpc(req.raw, reply.raw)
    )
      reply.hijack();
    done();
  });
  // Fastify logs each request's URL: a watch stream's may hold a token.
  const logSerializers = { req: serializeRequestForLog };
  // A wildcard, not `/:path`: a batch's comma-joined paths outgrow
  // Fastify's default `maxParamLength` (100).
  app.all<{ Params: { '*': string } }>(
    '/*',
    { logSerializers },
    async (req, reply) => {
      await fastifyRequestHandler({
        router,
        req,
        res: reply,
        path: req.params['*'],
        maxBodySize: http.maxBodyBytes,
        maxBatchSize: http.maxBatchCalls,
        createContext: ({ req: request, res, info }) =>
          context(request.raw, info, {
            res: res.raw,
            batched: info.isBatchCall,
          }),
        onError: logProcedureError(deps.logger),
      });
    },
  );
  return Promise.resolve();
}
