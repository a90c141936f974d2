import type { AnyRegistry } from '@conveyor/core';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { bulkRouter } from './routers/bulk.ts';
import { catalogRouter } from './routers/catalog.ts';
import { compatRouter } from './routers/compat.ts';
import { deadLettersRouter } from './routers/dead-letters.ts';
import { encryptionRouter } from './routers/encryption.ts';
import { enqueueProcedures } from './routers/enqueue.ts';
import { historyRouter } from './routers/history.ts';
import { jobsRouter } from './routers/jobs.ts';
import { queuesRouter } from './routers/queues.ts';
import { schedulesRouter } from './routers/schedules.ts';
import { tenantsRouter } from './routers/tenants.ts';
import { tokensRouter } from './routers/tokens.ts';
import { webhooksRouter } from './routers/webhooks.ts';
import { router } from './trpc.ts';

/**
 * The whole API for one job registry: enqueue inputs, read filters,
 * schedules and webhook events are derived from its jobs, so an app's
 * catalog is the only thing that types its client. Served over a
 * `QueueService` built for the same registry (`routerFor`).
 */
export function createConveyorRouter<R extends AnyRegistry>(registry: R) {
  return router({
    ...enqueueProcedures(registry),
    jobs: jobsRouter(registry),
    queues: queuesRouter<R>(),
    deadLetters: deadLettersRouter(registry),
    tokens: tokensRouter(registry),
    tenants: tenantsRouter,
    webhooks: webhooksRouter(registry),
    schedules: schedulesRouter(registry),
    history: historyRouter(registry),
    catalog: catalogRouter(registry),
    compat: compatRouter,
    bulk: bulkRouter(registry),
    encryption: encryptionRouter,
  });
}

/** The router an app's registry gets: what its typed client is built on. */
export type ConveyorRouter<R extends AnyRegistry> = ReturnType<
  typeof createConveyorRouter<R>
>;

/** Any registry's router: what catalog-free code (the CLI) is typed on. */
export type AnyConveyorRouter = ConveyorRouter<AnyRegistry>;

export type ConveyorRouterInputs<
  TRouter extends AnyConveyorRouter = AnyConveyorRouter,
> = inferRouterInputs<TRouter>;
export type ConveyorRouterOutputs<
  TRouter extends AnyConveyorRouter = AnyConveyorRouter,
> = inferRouterOutputs<TRouter>;
