import type { AnyRegistry } from '@conveyor/core';
import { MAX_HISTORY_LIMIT } from '@conveyor/history';
import { HISTORY_STATES } from '../search/search-filter.ts';
import { historySearchProcedures } from './history-search.ts';
import { recentRange } from './recent-range.ts';
import { historyStoryProcedures } from './history-story.ts';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { viewerProcedure } from '../trpc.ts';
import { registrySchemas } from '../registry-schemas.ts';
import { cursorPage } from './cursor-page.ts';

/** The widest `stats` range: a year (a leap one included). */
export const MAX_STATS_DAYS = 366;

const fromBeforeTo = (r: { from?: Date | undefined; to?: Date | undefined }) =>
  r.from === undefined || r.to === undefined || r.from < r.to;

/**
 * Every job's story, kept past Redis retention (PostgreSQL). The tenant is
 * the caller's, never the input's. With history off, each answers 501
 * HISTORY_DISABLED; with its database down, 503 HISTORY_UNAVAILABLE.
 */
export function historyRouter<R extends AnyRegistry>(registry: R) {
  const { jobName } = registrySchemas(registry);
  return {
    ...historySearchProcedures(registry),
    ...historyStoryProcedures(registry),
    /** Newest first (by enqueue); pass `nextCursor` back, with the same filters, for the next page. */
    list: viewerProcedure
      .input(
        z
          .strictObject({
            name: jobName.optional(),
            state: z.enum(HISTORY_STATES).optional(),
            /** Enqueued at or after. */
            from: z.date().optional(),
            /** Enqueued before. */
            to: z.date().optional(),
            idempotencyKey: z.string().min(1).max(256).optional(),
            /** Words that must all appear in the last error. */
            text: z.string().trim().min(1).max(200).optional(),
            ...cursorPage(MAX_HISTORY_LIMIT),
          })
          .refine(fromBeforeTo, {
            message: 'from must be before to',
            path: ['from'],
          }),
      )
      .query(({ ctx, input }) =>
        ctx.history.list({ ...input, tenant: ctx.tenant }),
      ),

    /** A job and every attempt of every run; NOT_FOUND when history has none (another tenant's included). */
    get: viewerProcedure
      .input(z.object({ id: z.string().min(1).max(200) }))
      .query(({ ctx, input }) => ctx.history.get(input.id, ctx.tenant)),

    /** Per job name and UTC day of enqueue: counts by state, duration percentiles. Default: the last 7 days. */
    stats: viewerProcedure
      .input(recentRange({}, MAX_STATS_DAYS))
      .query(({ ctx, input }) =>
        ctx.history.stats({ ...input, tenant: ctx.tenant }),
      ),
  } satisfies TRPCRouterRecord;
}
