import type { AnyRegistry } from '@conveyor/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { MAX_BULK_LIST_LIMIT, bulkSchemas } from '../bulk/bulk-schemas.ts';
import { producerProcedure, viewerProcedure } from '../trpc.ts';
import { cursorPage } from './cursor-page.ts';

/**
 * Bulk actions by search filter (retry, redrive, cancel, delete from
 * history): `preview` answers how many and a sample, `start` acts in the
 * background on what the preview listed, `get` and `list` follow them. The
 * tenant is the caller's (an admin's `x-conveyor-tenant`); each job is
 * acted on as its single action would be.
 */
export function bulkRouter<R extends AnyRegistry>(registry: R) {
  const schemas = bulkSchemas(registry);
  return {
    /** "This will affect N jobs", with up to 5 of them, and the `listedBy` to start with. */
    preview: producerProcedure
      .input(schemas.preview)
      .query(({ ctx, input }) =>
        ctx.bulk.preview({ action: input.action, filter: input.filter }, ctx),
      ),

    /** Starts (or, with a key used before, finds) the operation; follow it with `get`. */
    start: producerProcedure
      .input(schemas.start)
      .mutation(({ ctx, input }) =>
        ctx.bulk.start({ ...input, filter: input.filter }, ctx),
      ),

    /** One of the tenant's operations: progress, who started it, how it ended. */
    get: viewerProcedure
      .input(z.strictObject({ id: z.string().min(1).max(200) }))
      .query(({ ctx, input }) => ctx.bulk.get(input.id, ctx.tenant)),

    /** The tenant's operations, newest first: the record of who did what. */
    list: viewerProcedure
      .input(z.strictObject(cursorPage(MAX_BULK_LIST_LIMIT)))
      .query(({ ctx, input }) =>
        ctx.bulk.list({ limit: input.limit, cursor: input.cursor }, ctx.tenant),
      ),
  } satisfies TRPCRouterRecord;
}
