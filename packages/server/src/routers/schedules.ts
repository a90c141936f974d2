import {
  scheduleUpsertSchema,
  ScheduleRefSchema,
  type AnyRegistry,
} from '@conveyor/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { producerProcedure, viewerProcedure } from '../trpc.ts';

// A contract schedule's id passes, so that changing one is refused in words.
const Named = z.strictObject({ name: ScheduleRefSchema });

/**
 * A tenant's own schedules (`source: 'runtime'`): a cron (with time zone)
 * or an interval firing one of the jobs its token may enqueue, with data
 * checked by that job's input. The contract's (`source: 'contract'`,
 * declared in `defineJob`, reconciled at every start) are listed to every
 * caller, read-only: changing one is refused (403 CONTRACT_SCHEDULE).
 */
export function schedulesRouter<R extends AnyRegistry>(registry: R) {
  return {
    /** Creates or replaces `name`; a new one counts against the tenant's `maxSchedules`. */
    upsert: producerProcedure
      .input(scheduleUpsertSchema<R['jobs']>(registry))
      .mutation(({ ctx, input }) => ctx.schedules.upsert(input, ctx)),

    /** The contract's schedules, then the tenant's, each with its next runs and last tick. */
    list: viewerProcedure.query(({ ctx }) => ctx.schedules.list(ctx.tenant)),

    /** One schedule with its next five run times. */
    get: viewerProcedure
      .input(Named)
      .query(({ ctx, input }) => ctx.schedules.get(input.name, ctx.tenant)),

    /** Stops firing (kept, listed as paused) until resumed. */
    pause: producerProcedure
      .input(Named)
      .mutation(({ ctx, input }) =>
        ctx.schedules.setPaused(input.name, true, ctx),
      ),

    resume: producerProcedure
      .input(Named)
      .mutation(({ ctx, input }) =>
        ctx.schedules.setPaused(input.name, false, ctx),
      ),

    remove: producerProcedure
      .input(Named)
      .mutation(({ ctx, input }) => ctx.schedules.remove(input.name, ctx)),

    /** One extra run now, enqueued like any job: `{ id, name, queue }`. */
    runNow: producerProcedure
      .input(Named)
      .mutation(({ ctx, input }) => ctx.schedules.runNow(input.name, ctx)),
  } satisfies TRPCRouterRecord;
}
