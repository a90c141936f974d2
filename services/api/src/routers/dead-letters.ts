import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import {
  listDeadLetters,
  MAX_REDRIVE,
  redrive,
  redriveMany,
} from '../dead-letters.ts';
import { toTRPCError } from '../errors.ts';
import { MAX_LIST_LIMIT } from '../job-list.ts';
import { authedProcedure } from '../trpc.ts';

const Filter = z.object({
  name: z.string().min(1).max(200).optional(),
  from: z.date().optional(),
  to: z.date().optional(),
});

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toTRPCError(error);
  }
}

/** Jobs that used up their attempts: inspect, and send back to their queue. */
export const deadLettersRouter = {
  list: authedProcedure
    .input(
      Filter.extend({
        limit: z.number().int().min(1).max(MAX_LIST_LIMIT).default(20),
        cursor: z.string().min(1).max(500).optional(),
      }),
    )
    .query(({ ctx, input }) =>
      guarded(() => listDeadLetters(ctx.queues.store, input)),
    ),

  redrive: authedProcedure
    .input(z.object({ id: z.string().min(1).max(200) }))
    .mutation(({ ctx, input }) =>
      guarded(() => redrive(ctx.queues.store, input.id)),
    ),

  /** Every dead letter matching the filter, up to `max`; returns how many were redriven. */
  redriveMany: authedProcedure
    .input(
      Filter.extend({
        max: z.number().int().min(1).max(MAX_REDRIVE).default(1_000),
      }),
    )
    .mutation(({ ctx, input }) =>
      guarded(() => redriveMany(ctx.queues.store, input)),
    ),
} satisfies TRPCRouterRecord;
