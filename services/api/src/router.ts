import { registry, type AppRegistry } from '@conveyor/jobs';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { createConveyorRouter, type ConveyorRouter } from '@conveyor/server';

/** The example app's router: what its typed client is built on. */
export const appRouter: ConveyorRouter<AppRegistry> =
  createConveyorRouter(registry);

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
