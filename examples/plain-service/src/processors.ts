// What the worker runs for each job: typed from the contracts in jobs.ts.
import type { Registry } from './jobs.ts';
import type { ProcessorMap } from '@conveyor/worker';

export const processors: ProcessorMap<Registry> = {
  'invoice.render': async ({ invoiceId }, { progress }) => {
    await progress({ percent: 50 });
    return {
      url: `https://files.example.com/invoices/${invoiceId}.pdf`,
      pages: 2,
    };
  },
  'receipt.email': async ({ invoiceId, recipient }) => {
    return { messageId: `receipt-${invoiceId}-${recipient}` };
  },
};
