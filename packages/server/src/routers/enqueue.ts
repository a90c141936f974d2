import type { AnyRegistry } from '@conveyor/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { enqueueOf } from '../context.ts';
import {
  announceReplay,
  refuseHeaderKey,
  withHeaderKey,
} from '../idempotency/idempotent-enqueue.ts';
import { registrySchemas } from '../registry-schemas.ts';
import { producerProcedure } from '../trpc.ts';

/**
 * Submitting jobs. The input schemas are derived from the job registry, so a
 * job added to the catalog is enqueueable here with no edit. The parse here
 * is the only one on the way in: the producer takes the parsed request.
 */
export function enqueueProcedures<R extends AnyRegistry>(registry: R) {
  const schemas = registrySchemas(registry);
  return {
    /**
     * `{ name, data, options? }` → `{ id, name, queue, replayed }`. The key
     * may come as an `Idempotency-Key` header too; a replay is answered
     * with `Idempotent-Replayed: true`.
     */
    enqueue: producerProcedure
      .input(schemas.enqueueRequest)
      .mutation(async ({ ctx, input }) => {
        const request = withHeaderKey(input, ctx.http);
        const result = await enqueueOf<R>(ctx).enqueueParsed(request, ctx);
        announceReplay(result, ctx.http);
        return result;
      }),

    /** `{ jobs: [...] }` → `{ jobs: [{ id, name, queue }] }`, all or nothing. */
    enqueueMany: producerProcedure
      .input(schemas.enqueueManyRequest)
      .mutation(({ ctx, input }) => {
        refuseHeaderKey(ctx.http);
        return enqueueOf<R>(ctx).enqueueManyParsed(input, ctx);
      }),
  } satisfies TRPCRouterRecord;
}
