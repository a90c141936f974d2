import type { TRPCRouterRecord } from '@trpc/server';
import { toTRPCError } from '../errors.ts';
import { authedProcedure } from '../trpc.ts';

export const queuesRouter = {
  /** Jobs per state, per queue. */
  stats: authedProcedure.query(async ({ ctx }) => {
    try {
      return await ctx.queues.stats();
    } catch (error) {
      throw toTRPCError(error);
    }
  }),
} satisfies TRPCRouterRecord;
