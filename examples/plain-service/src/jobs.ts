// The service's own jobs: what Conveyor knows about them is only this file.
// Browser code, the API, the worker and the in-process producer import the
// same contracts, so a typo in a job name or a payload field is a compile error.
import { defineJob, defineRegistry, versions } from '@conveyor/core';
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

/** The receipt's first input: what jobs enqueued before the rename still carry. */
const ReceiptEmailV1 = z.strictObject({
  invoiceId: z.string().min(1),
  to: z.email(),
});
/** Version 2: `to` became `recipient`, with an optional display name. */
const ReceiptEmailV2 = z.strictObject({
  invoiceId: z.string().min(1),
  recipient: z.email(),
  name: z.string().optional(),
});

/** Emails the customer a receipt. Stored v1 jobs reach the processor upcast to v2. */
export const receiptEmail = defineJob({
  name: 'receipt.email',
  queue: QUEUES.email,
  input: ReceiptEmailV2,
  versions: versions(ReceiptEmailV1).next(ReceiptEmailV2, (old) => ({
    invoiceId: old.invoiceId,
    recipient: old.to,
  })),
  progress: z.never(),
  result: z.strictObject({ messageId: z.string() }),
});

export const registry = defineRegistry([invoiceRender, receiptEmail]);
export type Registry = typeof registry;
