import { registry } from '@conveyor/jobs';
import type { TRPCRouterRecord } from '@trpc/server';
import { producerProcedure } from '../trpc.ts';

/**
 * Submitting jobs. The input schemas are derived from the job registry, so a
 * job added to the catalog is enqueueable here with no edit. The parse here
 * is the only one on the way in: the producer takes the parsed request.
 */
export const enqueueProcedures = {
  /** `{ name, data, options? }` → `{ id, name, queue }`. */
  enqueue: producerProcedure
    .input(registry.enqueueRequest)
    .mutation(({ ctx, input }) => ctx.queues.enqueueParsed(input, ctx)),

  /** `{ jobs: [...] }` → `{ jobs: [{ id, name, queue }] }`, all or nothing. */
  enqueueMany: producerProcedure
    .input(registry.enqueueManyRequest)
    .mutation(({ ctx, input }) => ctx.queues.enqueueManyParsed(input, ctx)),
} satisfies TRPCRouterRecord;
