// The whole service against a real Redis: the API standalone, a worker, an
// enqueue through the typed client watched to completion, an in-process
// enqueue seen through the API; then everything closes and the process ends
// by itself.
import { randomUUID } from 'node:crypto';
import { startApi } from './api.ts';
import { assert, expectCleanExit, redisUrlFromEnv } from './clean-exit.ts';
import { connectClient, watchToEnd } from './client.ts';
import { createJobProducer } from './producer.ts';
import { startWorker } from './worker.ts';

const redisUrl = redisUrlFromEnv();
const adminToken = randomUUID();

const api = await startApi({ redisUrl, adminToken });
const worker = await startWorker(redisUrl);
const jobs = createJobProducer(redisUrl);
try {
  const client = connectClient(api.url, adminToken); // the tRPC endpoint

  const enqueued = await client.enqueue.mutate({
    name: 'invoice.render',
    data: { invoiceId: 'inv-1', customerId: 'cus-1' },
  });
  const rendered = await watchToEnd(client, enqueued.id);
  assert(
    (rendered as { pages?: number }).pages === 2,
    `invoice.render completed with its result (${JSON.stringify(rendered)})`,
  );

  const inProcess = await jobs.producer.enqueue({
    name: 'receipt.email',
    data: { invoiceId: 'inv-1', to: 'ada@example.com' },
  });
  const emailed = await watchToEnd(client, inProcess.id);
  assert(
    (emailed as { messageId?: string }).messageId ===
      'receipt-inv-1-ada@example.com',
    `the in-process job ran too (${JSON.stringify(emailed)})`,
  );
  console.log(`plain-service: ${enqueued.id} and ${inProcess.id} completed`);
} finally {
  await jobs.close();
  await worker.close();
  await api.close();
}
expectCleanExit('plain-service check');
