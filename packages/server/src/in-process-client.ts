import type { AnyRegistry } from '@conveyor/core';
import { createTRPCClient, localLink, type TRPCClient } from '@trpc/client';
import superjson from 'superjson';
import type { Principal } from './auth/principal.ts';
import { anyServices, createContextInner, type ApiDeps } from './context.ts';
import type { ConveyorRouter } from './create-conveyor-router.ts';
import { routerFor } from './router-for.ts';

/**
 * The same client as `@conveyor/client`'s `createConveyorClient({ url })`,
 * with no HTTP: for a backend service that runs the Conveyor API in-process.
 * Same procedures, same validation and errors, same types, so moving the
 * service to the remote API changes only the line that creates the client.
 */
export function createInProcessClient<R extends AnyRegistry>(
  deps: ApiDeps<R>,
  /** Who the host acts as: its tenant and role, given explicitly. */
  principal: Principal,
): TRPCClient<ConveyorRouter<R>> {
  return createTRPCClient<ConveyorRouter<R>>({
    links: [
      localLink({
        router: routerFor(deps.services.registry),
        transformer: superjson,
        createContext: () =>
          Promise.resolve(
            createContextInner(
              {
                ...deps,
                services: anyServices(deps.services),
                via: 'in-process',
              },
              principal,
            ),
          ),
      }),
    ],
  });
}
