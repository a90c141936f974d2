import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestedTenant } from '../auth/authenticate.ts';
import type { Principal } from '../auth/principal.ts';
import { createContextInner } from '../context.ts';
import { DEFAULT_HTTP_OPTIONS } from '../http/http-options.ts';
import { acceptedByTrpc, logProcedureError } from '../http/trpc-request.ts';
import { routerFor } from '../router-for.ts';
import type { DashboardOptions } from './dashboard-options.ts';

export type ConsoleTrpc = (
  req: IncomingMessage,
  res: ServerResponse,
  principal: Principal,
) => void;

/**
 * The API's router at `<base>/trpc/` for the console: the caller is the
 * dashboard session's principal (checked before this runs), so the
 * procedures' roles and tenant rules apply as they do to a token. An admin
 * acts for another tenant with `x-conveyor-tenant`, or, for a subscription
 * (EventSource sends no headers), its `connectionParams.tenant`.
 */
export function createConsoleTrpc(
  options: Pick<DashboardOptions, 'services' | 'logger'>,
  base: string,
): ConsoleTrpc {
  const principals = new WeakMap<IncomingMessage, Principal>();
  const deps = {
    services: options.services,
    logger: options.logger,
  };
  const handler = createHTTPHandler({
    router: routerFor(deps.services.registry),
    basePath: `${base}/trpc/`,
    maxBodySize: DEFAULT_HTTP_OPTIONS.maxBodyBytes,
    maxBatchSize: DEFAULT_HTTP_OPTIONS.maxBatchCalls,
    createContext: ({ req, info }) => {
      const tenant = info.connectionParams?.tenant;
      return createContextInner(
        deps,
        principals.get(req) ?? null,
        requestedTenant(req) ?? (typeof tenant === 'string' ? tenant : null),
      );
    },
    onError: logProcedureError(deps.logger),
  });
  return (req, res, principal) => {
    if (!acceptedByTrpc(req, res)) return;
    principals.set(req, principal);
    void handler(req, res);
  };
}
