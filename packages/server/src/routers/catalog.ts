import type { AnyRegistry } from '@conveyor/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { jobCatalog, type CatalogJob } from '../job-catalog.ts';
import { viewerProcedure } from '../trpc.ts';

/** The job catalog, for any authenticated caller (the CLI's `conveyor jobs`). */
export function catalogRouter(registry: AnyRegistry) {
  // The registry never changes while the API runs: build the schemas once, on first ask.
  let catalog: CatalogJob[] | undefined;
  return {
    /** Every job: name, queue, defaults, limits, and its input as JSON Schema. */
    list: viewerProcedure.query(() => (catalog ??= jobCatalog(registry))),
  } satisfies TRPCRouterRecord;
}
