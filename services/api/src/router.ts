import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { deadLettersRouter } from './routers/dead-letters.ts';
import { enqueueProcedures } from './routers/enqueue.ts';
import { historyRouter } from './routers/history.ts';
import { jobsRouter } from './routers/jobs.ts';
import { queuesRouter } from './routers/queues.ts';
import { schedulesRouter } from './routers/schedules.ts';
import { tenantsRouter } from './routers/tenants.ts';
import { tokensRouter } from './routers/tokens.ts';
import { webhooksRouter } from './routers/webhooks.ts';
import { router } from './trpc.ts';

export const appRouter = router({
  ...enqueueProcedures,
  jobs: jobsRouter,
  queues: queuesRouter,
  deadLetters: deadLettersRouter,
  tokens: tokensRouter,
  tenants: tenantsRouter,
  webhooks: webhooksRouter,
  schedules: schedulesRouter,
  history: historyRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
