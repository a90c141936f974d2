import type { AnyRegistry } from '@conveyor/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { jobsOf } from '../context.ts';
import { adminProcedure, viewerProcedure } from '../trpc.ts';

/** The registry only types the answer: its queue names. */
export function queuesRouter<R extends AnyRegistry>() {
  return {
    /** The caller's tenant's jobs per state, per queue (`held`: of the waiting, those flow control holds). */
    stats: viewerProcedure.query(({ ctx }) => jobsOf<R>(ctx).stats(ctx.tenant)),

    /** (admin) Held jobs per tenant and queue, largest first: who flow control holds back. */
    heldBacklog: adminProcedure
      .input(
        z
          .strictObject({ limit: z.number().int().min(1).max(1_000) })
          .optional(),
      )
      .query(({ ctx, input }) => ctx.jobs.heldBacklog(input?.limit ?? 100)),
  } satisfies TRPCRouterRecord;
}
