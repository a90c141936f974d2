import { registry } from '@conveyor/jobs';
import { MAX_LIST_LIMIT, MAX_REDRIVE } from '@conveyor/queue';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { producerProcedure, viewerProcedure } from '../trpc.ts';

const Filter = z.strictObject({
  name: registry.jobName.optional(),
  /** Failed at or after. */
  from: z.date().optional(),
  /** Failed at or before. */
  to: z.date().optional(),
});

/** Jobs that used up their attempts: inspect, and send back to their queue. */
export const deadLettersRouter = {
  list: viewerProcedure
    .input(
      Filter.extend({
        limit: z.number().int().min(1).max(MAX_LIST_LIMIT).default(20),
        cursor: z.string().min(1).max(500).optional(),
      }),
    )
    .query(({ ctx, input }) => ctx.queues.deadLetters(input, ctx.tenant)),

  redrive: producerProcedure
    .input(z.strictObject({ id: z.string().min(1).max(200) }))
    .mutation(({ ctx, input }) => ctx.queues.redrive(input.id, ctx)),

  /** Every dead letter matching the filter, up to `max`; returns how many were redriven. */
  redriveMany: producerProcedure
    .input(
      Filter.extend({
        max: z.number().int().min(1).max(MAX_REDRIVE).default(1_000),
      }),
    )
    .mutation(({ ctx, input }) => ctx.queues.redriveMany(input, ctx)),
} satisfies TRPCRouterRecord;
