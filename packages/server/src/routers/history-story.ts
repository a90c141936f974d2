import type { AnyRegistry } from '@conveyor/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { registrySchemas } from '../registry-schemas.ts';
import { readRunStory } from '../story/read-run-story.ts';
import { recentRange } from './recent-range.ts';
import { viewerProcedure } from '../trpc.ts';

/** The widest `failures` range: it reads attempts too, so the search's bound. */
export const MAX_FAILURES_DAYS = 93;

/** `history.story` and `history.failures`: part of the history router, apart for their size. */
export function historyStoryProcedures<R extends AnyRegistry>(registry: R) {
  const { jobName } = registrySchemas(registry);
  return {
    /**
     * One job's whole story (`RunStory`): how it was enqueued, each wait and
     * attempt (worker, duration, error, stack), how it ended, its payload as
     * stored and as received; live state while Redis holds it. NOT_FOUND
     * for none, another tenant's included. Tells what it can with history
     * off or Redis down, naming the gap.
     */
    story: viewerProcedure
      .input(z.strictObject({ id: z.string().min(1).max(200) }))
      .query(({ ctx, input }) =>
        readRunStory(ctx, registry, input.id, ctx.tenant),
      ),

    /**
     * The top 20 failure reasons per job name (failed jobs' last error,
     * failed attempts' errors) with counts and when last seen, over jobs
     * enqueued in the range (default the last 7 days, at most 93).
     */
    failures: viewerProcedure
      .input(recentRange({ name: jobName.optional() }, MAX_FAILURES_DAYS))
      .query(({ ctx, input }) =>
        ctx.history.failures({ ...input, tenant: ctx.tenant }),
      ),
  } satisfies TRPCRouterRecord;
}
