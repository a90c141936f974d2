import { JOB_STATES, StreamIdSchema, type AnyRegistry } from '@conveyor/core';
import { MAX_LIST_LIMIT } from '@conveyor/queue';
import { tracked, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { jobsOf } from '../context.ts';
import { producerProcedure, viewerProcedure } from '../trpc.ts';
import { registrySchemas } from '../registry-schemas.ts';
import { cursorPage } from './cursor-page.ts';

// Not strict: the `{ id, name, queue }` an enqueue returns may be passed as is.
const JobId = z.object({ id: z.string().min(1).max(200) });

/** Reading and steering jobs after they are enqueued. */
export function jobsRouter<R extends AnyRegistry>(registry: R) {
  const { jobName } = registrySchemas(registry);
  return {
    /**
     * One job, typed by its name; NOT_FOUND when there is none. Its
     * `sensitive()` values in clear for admins only, `[sensitive]` for others.
     */
    get: viewerProcedure.input(JobId).query(({ ctx, input }) =>
      jobsOf<R>(ctx).get(input.id, ctx.tenant, {
        reveal: ctx.principal.role === 'admin',
      }),
    ),

    /**
     * A job's attempt history: each failed attempt (and the one that completed
     * a retried job) with its start, end, error and the wait before it.
     */
    attempts: viewerProcedure
      .input(JobId)
      .query(({ ctx, input }) => ctx.jobs.attempts(input.id, ctx.tenant)),

    /** Newest first; pass `nextCursor` back for the next page. */
    list: viewerProcedure
      .input(
        z.strictObject({
          state: z.enum(JOB_STATES).optional(),
          name: jobName.optional(),
          ...cursorPage(MAX_LIST_LIMIT),
        }),
      )
      .query(({ ctx, input }) => jobsOf<R>(ctx).list(input, ctx.tenant)),

    /**
     * Server-sent events: progress, then the terminal event (completed,
     * failed or cancelled), then the stream ends. Each event is tracked by its
     * stream id, so a reconnecting client resumes after the last one it got.
     */
    watch: viewerProcedure
      .input(
        // A typed client passes a `${number}-${number}`; others are a 400.
        JobId.extend({ lastEventId: StreamIdSchema.nullish() }),
      )
      .subscription(async function* ({ ctx, input, signal }) {
        const events = jobsOf<R>(ctx).watch(input, ctx.tenant, signal);
        for await (const { id, event } of events) yield tracked(id, event);
      }),

    /** Waiting/delayed: removed now (`cancelled`). Active: its processor is signalled (`cancelling`). */
    cancel: producerProcedure
      .input(JobId)
      .mutation(({ ctx, input }) => ctx.control.cancel(input.id, ctx)),

    /** A failed or cancelled job runs again with fresh attempts. */
    retry: producerProcedure
      .input(JobId)
      .mutation(({ ctx, input }) => ctx.control.retry(input.id, ctx)),

    /**
     * Every failed job of the tenant's that matches (at most 1,000), each as
     * `retry` would; `dryRun: true` answers how many without retrying.
     */
    retryMany: producerProcedure
      .input(
        z.strictObject({
          state: z.literal('failed'),
          name: jobName.optional(),
          queue: z.enum(registry.queues as [string, ...string[]]).optional(),
          dryRun: z.boolean().default(false),
        }),
      )
      .mutation(({ ctx, input }) => ctx.control.retryMany(input, ctx)),

    /** A delayed job runs now. */
    promote: producerProcedure
      .input(JobId)
      .mutation(({ ctx, input }) => ctx.control.promote(input.id, ctx)),
  } satisfies TRPCRouterRecord;
}
