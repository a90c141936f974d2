// The backend's jobs: SMS alerts and email digests, each scoped to an organization.
import { defineJob, defineRegistry } from '@conveyor/core';
import { z } from 'zod';

const OrganizationId = z.string().min(1).max(100);

export const smsSend = defineJob({
  name: 'sms.send',
  queue: 'sms',
  input: z.strictObject({
    organizationId: OrganizationId,
    to: z.string().regex(/^\+[1-9]\d{6,14}$/, 'E.164, e.g. +15551234567'),
    body: z.string().min(1).max(480),
  }),
  progress: z.never(),
  result: z.strictObject({ messageId: z.string() }),
  defaults: { attempts: 3 },
});

export const emailDigest = defineJob({
  name: 'email.digest',
  queue: 'email',
  input: z.strictObject({
    organizationId: OrganizationId,
    userId: z.string().min(1),
    period: z.enum(['daily', 'weekly']),
  }),
  progress: z.strictObject({ percent: z.number().min(0).max(100) }),
  result: z.strictObject({ itemCount: z.number().int().nonnegative() }),
});

export const registry = defineRegistry([smsSend, emailDigest]);
export type Registry = typeof registry;
