import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { deadLettersRouter } from './routers/dead-letters.ts';
import { enqueueProcedures } from './routers/enqueue.ts';
import { jobsRouter } from './routers/jobs.ts';
import { queuesRouter } from './routers/queues.ts';
import { router } from './trpc.ts';

export const appRouter = router({
  ...enqueueProcedures,
  jobs: jobsRouter,
  queues: queuesRouter,
  deadLetters: deadLettersRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
