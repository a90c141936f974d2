import {
  DeliveryIdSchema,
  DeliveryQuerySchema,
  ForbiddenError,
  newWebhookSchema,
  WebhookIdSchema,
  type AnyRegistry,
} from '@conveyor/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { storeProducerProcedure, storeViewerProcedure } from '../trpc.ts';

/**
 * Webhooks send the tenant's job events to an outside URL, so managing them
 * (create, remove, test, redrive) needs a producer: what may enqueue may
 * also say where its outcomes go. A token limited to some jobs may not:
 * a webhook would report the tenant's other jobs. Reads need any role.
 */
const manage = storeProducerProcedure.use(({ ctx, next }) => {
  if (ctx.principal.jobs)
    throw new ForbiddenError(
      'A token limited to some jobs may not manage webhooks',
    );
  return next();
});
const read = storeViewerProcedure;

const ById = z.strictObject({ id: WebhookIdSchema });

/** Per-tenant webhook endpoints and their delivery log. */
export function webhooksRouter<R extends AnyRegistry>(registry: R) {
  return {
    /** The secret is returned here only: store it to verify signatures. */
    create: manage
      .input(newWebhookSchema(registry))
      .mutation(({ ctx, input }) => ctx.webhooks.create(ctx.tenant, input)),

    list: read.query(({ ctx }) => ctx.webhooks.list(ctx.tenant)),

    remove: manage
      .input(ById)
      .mutation(({ ctx, input }) => ctx.webhooks.remove(ctx.tenant, input.id)),

    /** Sends a `webhook.test` event; returns its delivery id. */
    test: manage
      .input(ById)
      .mutation(({ ctx, input }) => ctx.webhooks.test(ctx.tenant, input.id)),

    /** Newest first; filter by webhook and status. */
    deliveries: read
      .input(DeliveryQuerySchema.optional())
      .query(({ ctx, input }) =>
        ctx.webhooks.deliveries(
          ctx.tenant,
          input ?? DeliveryQuerySchema.parse({}),
        ),
      ),

    /** A failed delivery, sent again with fresh attempts. */
    redrive: manage
      .input(z.strictObject({ id: DeliveryIdSchema }))
      .mutation(({ ctx, input }) => ctx.webhooks.redrive(ctx.tenant, input.id)),
  } satisfies TRPCRouterRecord;
}
