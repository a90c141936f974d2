import { registry } from '@conveyor/jobs';
import type { TRPCRouterRecord } from '@trpc/server';
import { toTRPCError } from '../errors.ts';
import { authedProcedure } from '../trpc.ts';

/**
 * Submitting jobs. The input schemas are derived from the job registry, so a
 * job added to the catalog is enqueueable here with no edit.
 */
export const enqueueProcedures = {
  /** `{ name, data, options? }` → `{ id, name, queue }`. */
  enqueue: authedProcedure
    .input(registry.enqueueRequest)
    .mutation(async ({ ctx, input }) => {
      try {
        return await ctx.queues.enqueue(input);
      } catch (error) {
        throw toTRPCError(error);
      }
    }),

  /** `{ jobs: [...] }` → `{ jobs: [{ id, name, queue }] }`, all or nothing. */
  enqueueMany: authedProcedure
    .input(registry.enqueueManyRequest)
    .mutation(async ({ ctx, input }) => {
      try {
        return await ctx.queues.enqueueMany(input);
      } catch (error) {
        throw toTRPCError(error);
      }
    }),
} satisfies TRPCRouterRecord;
