import { registry } from '@conveyor/jobs';
import { toTRPCError } from '../errors.ts';
import { authedProcedure } from '../trpc.ts';

/**
 * `enqueue({ name, data })`: the input schema is derived from the job
 * registry, so a job added to the catalog is enqueueable here with no edit.
 */
export const enqueue = authedProcedure
  .input(registry.enqueueRequest)
  .mutation(async ({ ctx, input }) => {
    try {
      return await ctx.queues.enqueue(input);
    } catch (error) {
      throw toTRPCError(error);
    }
  });
