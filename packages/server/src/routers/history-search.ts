import type { AnyRegistry } from '@conveyor/core';
import type { TRPCRouterRecord } from '@trpc/server';
import type { CheckedShapeFilter } from '../search/search-filter.ts';
import {
  searchFieldsByJob,
  searchPageSchema,
  toSearchQuery,
} from '../search/search-schemas.ts';
import { viewerProcedure } from '../trpc.ts';

/** `history.search`: part of the history router, apart for its schemas. */
export function historySearchProcedures<R extends AnyRegistry>(registry: R) {
  const fieldsByJob = searchFieldsByJob(registry);
  return {
    /**
     * Jobs by what they carried: `list`'s filters plus typed conditions on
     * the named job's payload and result (`where: { 'data.to': { prefix:
     * '+1415' } }`), over at most 93 days (default the last 30). Newest
     * first, keyset-paged. Reads PostgreSQL under a statement timeout
     * (422 SEARCH_TIMEOUT: narrow it); never Redis.
     */
    search: viewerProcedure
      .input(searchPageSchema(registry))
      .query(({ ctx, input }) =>
        ctx.history.search(
          toSearchQuery(
            pageOf(input as CheckedShapeFilter),
            fieldsByJob,
            ctx.tenant,
          ),
        ),
      ),
  } satisfies TRPCRouterRecord;
}

/** The search page without tRPC's paging direction (forward only, checked by the schema). */
function pageOf<T extends object>(input: T): Omit<T, 'direction'> {
  const { direction: _direction, ...page } = input as T & {
    direction?: unknown;
  };
  return page;
}
