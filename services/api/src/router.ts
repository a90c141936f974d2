import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { enqueue } from './routers/enqueue.ts';
import { router } from './trpc.ts';

export const appRouter = router({
  enqueue,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
