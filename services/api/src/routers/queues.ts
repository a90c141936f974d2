import type { TRPCRouterRecord } from '@trpc/server';
import { authedProcedure } from '../trpc.ts';

export const queuesRouter = {
  /** Jobs per state, per queue. */
  stats: authedProcedure.query(({ ctx }) => ctx.queues.stats()),
} satisfies TRPCRouterRecord;
