import { defineJob, defineRegistry } from '@conveyor/core';
import { z } from 'zod';

/**
 * The jobs whose payloads the search benchmark seeds and filters on: string,
 * number, date, enum and nested fields in the input, and a result. Defined
 * here (never the example catalog): the bench measures the framework.
 */
export const orderShip = defineJob({
  name: 'order.ship',
  queue: 'default',
  input: z.strictObject({
    orderId: z.string(),
    to: z.string(),
    amountCents: z.number().int(),
    dueAt: z.date(),
    channel: z.enum(['web', 'app', 'phone', 'partner']),
    customer: z.strictObject({
      email: z.string(),
      country: z.enum(['US', 'DE', 'FR', 'GB', 'JP']),
      tier: z.enum(['gold', 'silver', 'bronze']),
    }),
  }),
  result: z.strictObject({
    trackingId: z.string(),
    carrier: z.enum(['ups', 'dhl', 'fedex', 'usps']),
    delivered: z.boolean(),
  }),
});

export const smsNotify = defineJob({
  name: 'sms.notify',
  queue: 'default',
  input: z.strictObject({
    to: z.string(),
    body: z.string(),
    priority: z.enum(['low', 'normal', 'high']),
    segments: z.number().int(),
  }),
  result: z.strictObject({
    providerMessageId: z.string(),
    status: z.enum(['queued', 'sent', 'undelivered']),
  }),
});

export const searchRegistry = defineRegistry([orderShip, smsNotify]);

/** Seeded beside the two typed jobs with a small generic payload. */
export const OTHER_JOB_NAMES = [
  'report.build',
  'invoice.render',
  'feed.sync',
  'image.resize',
  'webhook.deliver',
  'user.export',
  'cache.warm',
  'audit.rollup',
] as const;
