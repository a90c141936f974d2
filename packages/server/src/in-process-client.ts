import { createTRPCClient, localLink, type TRPCClient } from '@trpc/client';
import superjson from 'superjson';
import type { Principal } from './auth/principal.ts';
import { createContextInner, type ApiDeps } from './context.ts';
import { appRouter, type AppRouter } from './router.ts';

/**
 * The same client as `@conveyor/client`'s `createConveyorClient({ url })`,
 * with no HTTP: for a backend service that runs the Conveyor API in-process.
 * Same procedures, same validation and errors, same types, so moving the
 * service to the remote API changes only the line that creates the client.
 */
export function createInProcessClient(
  deps: ApiDeps,
  /** Who the host acts as: its tenant and role, given explicitly. */
  principal: Principal,
): TRPCClient<AppRouter> {
  return createTRPCClient<AppRouter>({
    links: [
      localLink({
        router: appRouter,
        transformer: superjson,
        createContext: () =>
          Promise.resolve(createContextInner(deps, principal)),
      }),
    ],
  });
}
