import type { TRPCRouterRecord } from '@trpc/server';
import { viewerProcedure } from '../trpc.ts';

export const queuesRouter = {
  /** The caller's tenant's jobs per state, per queue. */
  stats: viewerProcedure.query(({ ctx }) => ctx.queues.stats(ctx.tenant)),
} satisfies TRPCRouterRecord;
