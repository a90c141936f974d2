// The service's own jobs: what Conveyor knows about them is only this file.
// Browser code, the API, the worker and the in-process producer import the
// same contracts, so a typo in a job name or a payload field is a compile error.
import { defineJob, defineRegistry } from '@conveyor/core';
import { z } from 'zod';

export const QUEUES = { documents: 'documents', email: 'email' } as const;

/** Renders an invoice to a PDF: slow, so it reports progress. */
export const invoiceRender = defineJob({
  name: 'invoice.render',
  queue: QUEUES.documents,
  input: z.strictObject({
    invoiceId: z.string().min(1),
    customerId: z.string().min(1),
  }),
  progress: z.strictObject({ percent: z.number().min(0).max(100) }),
  result: z.strictObject({
    url: z.string(),
    pages: z.number().int().positive(),
  }),
  defaults: { attempts: 3, timeoutMs: 60_000 },
});

/** Emails the customer a receipt. */
export const receiptEmail = defineJob({
  name: 'receipt.email',
  queue: QUEUES.email,
  input: z.strictObject({ invoiceId: z.string().min(1), to: z.email() }),
  progress: z.never(),
  result: z.strictObject({ messageId: z.string() }),
});

export const registry = defineRegistry([invoiceRender, receiptEmail]);
export type Registry = typeof registry;
