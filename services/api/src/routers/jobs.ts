import type { AppRegistry } from '@conveyor/jobs';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { JobNotFoundError, toTRPCError } from '../errors.ts';
import { listJobs, MAX_LIST_LIMIT } from '../job-list.ts';
import { STREAM_ID } from '../job-events.ts';
import { JOB_STATES, type JobView } from '../job-view.ts';
import { watchJob } from '../job-watch.ts';
import { authedProcedure } from '../trpc.ts';

const JobId = z.object({ id: z.string().min(1).max(200) });

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toTRPCError(error);
  }
}

/** Reading and steering jobs after they are enqueued. */
export const jobsRouter = {
  /** One job, typed by its name; NOT_FOUND when there is none. */
  get: authedProcedure.input(JobId).query(({ ctx, input }) =>
    guarded(async (): Promise<JobView<AppRegistry>> => {
      const found = await ctx.queues.store.find(input.id);
      if (!found) throw new JobNotFoundError(input.id);
      return ctx.queues.store.view(found);
    }),
  ),

  /** Newest first; pass `nextCursor` back for the next page. */
  list: authedProcedure
    .input(
      z.object({
        state: z.enum(JOB_STATES).optional(),
        name: z.string().min(1).max(200).optional(),
        limit: z.number().int().min(1).max(MAX_LIST_LIMIT).default(20),
        cursor: z.string().min(1).max(500).optional(),
      }),
    )
    .query(({ ctx, input }) =>
      guarded(() => listJobs(ctx.queues.store, input)),
    ),

  /**
   * Server-sent events: progress, then the terminal event (completed,
   * failed or cancelled), then the stream ends. Resumable by event id.
   */
  watch: authedProcedure
    .input(
      JobId.extend({
        lastEventId: z.string().regex(STREAM_ID).nullish(),
      }),
    )
    .subscription(async function* ({ ctx, input, signal }) {
      try {
        yield* watchJob(ctx.queues.store, ctx.queues.events, input, signal);
      } catch (error) {
        throw toTRPCError(error);
      }
    }),

  /** Waiting/delayed: removed now (`cancelled`). Active: its processor is signalled (`cancelling`). */
  cancel: authedProcedure
    .input(JobId)
    .mutation(({ ctx, input }) =>
      guarded(() => ctx.queues.control.cancel(input.id)),
    ),

  /** A failed or cancelled job runs again with fresh attempts. */
  retry: authedProcedure
    .input(JobId)
    .mutation(({ ctx, input }) =>
      guarded(() => ctx.queues.control.retry(input.id)),
    ),

  /** A delayed job runs now. */
  promote: authedProcedure
    .input(JobId)
    .mutation(({ ctx, input }) =>
      guarded(() => ctx.queues.control.promote(input.id)),
    ),
} satisfies TRPCRouterRecord;
