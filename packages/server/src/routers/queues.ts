import type { AnyRegistry } from '@conveyor/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { jobsOf } from '../context.ts';
import { viewerProcedure } from '../trpc.ts';

/** The registry only types the answer: its queue names. */
export function queuesRouter<R extends AnyRegistry>() {
  return {
    /** The caller's tenant's jobs per state, per queue. */
    stats: viewerProcedure.query(({ ctx }) => jobsOf<R>(ctx).stats(ctx.tenant)),
  } satisfies TRPCRouterRecord;
}
