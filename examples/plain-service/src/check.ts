// The whole service against a real Redis: the API standalone, a worker, an
// enqueue through the typed client watched to completion, an in-process
// enqueue seen through the API; then everything closes and the process ends
// by itself.
import { createRedisClient } from '@conveyor/queue';
import { checkStoredCompatibility } from '@conveyor/server';
import { randomUUID } from 'node:crypto';
import { startApi } from './api.ts';
import { assert, expectCleanExit, redisUrlFromEnv } from './clean-exit.ts';
import { connectClient, watchToEnd } from './client.ts';
import { registry } from './jobs.ts';
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
    data: { invoiceId: 'inv-1', recipient: 'ada@example.com' },
  });
  const emailed = await watchToEnd(client, inProcess.id);
  assert(
    (emailed as { messageId?: string }).messageId ===
      'receipt-inv-1-ada@example.com',
    `the in-process job ran too (${JSON.stringify(emailed)})`,
  );

  // A client built before receipt.email's version 2 still sends `to`: on the
  // wire, tRPC's POST with a superjson body. Accepted, stored as version 2.
  const response = await fetch(`${api.url}/enqueue`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${adminToken}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      json: {
        name: 'receipt.email',
        data: { invoiceId: 'inv-2', to: 'bob@example.com' },
      },
    }),
  });
  const answer = (await response.json()) as {
    result?: { data?: { json?: { id?: string } } };
  };
  const oldId = answer.result?.data?.json?.id ?? '';
  assert(
    response.ok && oldId !== '',
    `an old client's enqueue is accepted (${response.status})`,
  );
  const upcast = await watchToEnd(client, oldId);
  assert(
    (upcast as { messageId?: string }).messageId ===
      'receipt-inv-2-bob@example.com',
    `the processor received it upcast (${JSON.stringify(upcast)})`,
  );

  // Before a deploy: does this contract read everything Redis stores?
  const redis = createRedisClient(redisUrl, { preset: 'producer' });
  const report = await checkStoredCompatibility({ registry, redis }).finally(
    () => redis.quit(),
  );
  assert(
    report.ok,
    `conveyor compat passes (${JSON.stringify(report.findings)})`,
  );
  console.log(
    `plain-service: ${enqueued.id}, ${inProcess.id} and an old client's ${oldId} completed; compat ok`,
  );
} finally {
  await jobs.close();
  await worker.close();
  await api.close();
}
expectCleanExit('plain-service check');
