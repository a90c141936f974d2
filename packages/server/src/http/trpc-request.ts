import type { TRPCError } from '@trpc/server';
import type { TRPCRequestInfo } from '@trpc/server/http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestedTenant, type Authenticate } from '../auth/authenticate.ts';
import { LOCAL_PRINCIPAL } from '../auth/principal.ts';
import { createContextInner, type ApiDeps, type Context } from '../context.ts';
import { toTRPCError } from '../to-trpc-error.ts';
import { httpExchange } from './http-exchange.ts';
import { sendTrpcError } from './send-error.ts';
import { withSubscriptionCredentials } from './subscription-credentials.ts';

/** Without tokens configured, every caller is the local admin. */
export const openAuthenticate: Authenticate = () =>
  Promise.resolve(LOCAL_PRINCIPAL);

/**
 * A request's context, for every HTTP adapter (the standalone server and
 * the Fastify plugin): who calls, and for which tenant. `info` is tRPC's
 * (a subscription's `connectionParams` may carry its token); `answer` is
 * the response, for the procedures that answer with a header.
 */
export function createRequestContext(
  deps: ApiDeps,
  authenticate: Authenticate,
): (
  req: IncomingMessage,
  info?: TRPCRequestInfo,
  answer?: { res: ServerResponse; batched: boolean },
) => Promise<Context> {
  return async (req, info, answer) => {
    try {
      const principal = await authenticate(
        withSubscriptionCredentials(req, info),
      );
      const http = answer
        ? httpExchange(req, answer.res, answer.batched)
        : null;
      return createContextInner(deps, principal, requestedTenant(req), http);
    } catch (error) {
      throw toTRPCError(error); // credentials that cannot be checked: 503
    }
  };
}

/** Failures are errors in the log; refusals (4xx) only debug lines. */
export function logProcedureError(logger: ApiDeps['logger']) {
  return ({ error, path }: { error: TRPCError; path: string | undefined }) => {
    if (error.code === 'INTERNAL_SERVER_ERROR')
      logger.error({ err: error.cause ?? error, path }, 'procedure failed');
    else
      logger.debug(
        { code: error.code, path, message: error.message },
        'procedure rejected',
      );
  };
}

/**
 * Only GET (queries, subscriptions) and POST (mutations, JSON) reach tRPC:
 * its other content types (form data, octet streams) serve no procedure
 * here, and other methods failed inside it as 500s.
 */
export function acceptedByTrpc(
  req: IncomingMessage,
  res: ServerResponse,
): boolean {
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
