import type { AnyRegistry } from '@conveyor/core';
import { MAX_LIST_LIMIT, MAX_REDRIVE } from '@conveyor/queue';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { jobsOf } from '../context.ts';
import { producerProcedure, viewerProcedure } from '../trpc.ts';
import { registrySchemas } from '../registry-schemas.ts';
import { cursorPage } from './cursor-page.ts';

/** Jobs that used up their attempts: inspect, and send back to their queue. */
export function deadLettersRouter<R extends AnyRegistry>(registry: R) {
  const { jobName } = registrySchemas(registry);
  const Filter = z.strictObject({
    name: jobName.optional(),
    /** Failed at or after. */
    from: z.date().optional(),
    /** Failed at or before. */
    to: z.date().optional(),
  });
  return {
    list: viewerProcedure
      .input(
        Filter.extend({
          ...cursorPage(MAX_LIST_LIMIT),
        }),
      )
      .query(({ ctx, input }) => jobsOf<R>(ctx).deadLetters(input, ctx.tenant)),

    redrive: producerProcedure
      .input(z.strictObject({ id: z.string().min(1).max(200) }))
      .mutation(({ ctx, input }) => ctx.control.redrive(input.id, ctx)),

    /** Every dead letter matching the filter, up to `max`; returns how many were redriven. */
    redriveMany: producerProcedure
      .input(
        Filter.extend({
          max: z.number().int().min(1).max(MAX_REDRIVE).default(1_000),
        }),
      )
      .mutation(({ ctx, input }) => ctx.control.redriveMany(input, ctx)),
  } satisfies TRPCRouterRecord;
}
