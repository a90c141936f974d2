import type { AnyConveyorRouter } from '@conveyor/server';
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
} from '@trpc/client';
import superjson from 'superjson';

/** The tenant an admin acts for, from the page's URL (`?tenant=`); none: their own. */
export function actingTenant(): string | null {
  return new URLSearchParams(window.location.search).get('tenant') || null;
}

/**
 * The API's typed client, over the dashboard's own `<base>/trpc/`: the
 * session cookie is the credential, so the page holds no token. Typed on
 * any registry's router: jobs and fields come from `catalog.list`.
 */
function createApi() {
  const url = new URL('../trpc', document.baseURI).href;
  return createTRPCClient<AnyConveyorRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url,
          transformer: superjson,
          // EventSource sends no headers: the server reads the tenant here.
          connectionParams: () => {
            const tenant = actingTenant();
            return tenant ? { tenant } : null;
          },
        }),
        false: httpBatchLink({
          url,
          transformer: superjson,
          headers: (): Record<string, string> => {
            const tenant = actingTenant();
            return tenant ? { 'x-conveyor-tenant': tenant } : {};
          },
        }),
      }),
    ],
  });
}

export const api = createApi();
export type Api = typeof api;
