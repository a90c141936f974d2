// The in-process producer alone (@conveyor/core + @conveyor/queue): enqueue,
// batch, idempotency and validation, then close, and the process ends by itself.
import { InvalidPayloadError } from '@conveyor/core';
import { assert, expectCleanExit, redisUrlFromEnv } from './clean-exit.ts';
import { QUEUES } from './jobs.ts';
import { createJobProducer } from './producer.ts';

const jobs = createJobProducer(redisUrlFromEnv());
const { producer } = jobs;
try {
  const render = await producer.enqueue({
    name: 'invoice.render',
    data: { invoiceId: 'inv-1', customerId: 'cus-1' },
  });
  const stored = await producer.queue(QUEUES.documents).getJob(render.id);
  assert(stored?.name === 'invoice.render', 'the job is in its queue');

  const batch = await producer.enqueueMany({
    jobs: [
      {
        name: 'receipt.email',
        data: { invoiceId: 'inv-1', recipient: 'a@example.com' },
      },
      {
        name: 'receipt.email',
        data: { invoiceId: 'inv-2', recipient: 'b@example.com' },
      },
    ],
  });
  assert(batch.jobs.length === 2, 'a batch enqueues every job');

  const once = { idempotencyKey: 'inv-3-receipt' };
  const first = await producer.enqueue({
    name: 'receipt.email',
    data: { invoiceId: 'inv-3', recipient: 'c@example.com' },
    options: once,
  });
  const again = await producer.enqueue({
    name: 'receipt.email',
    data: { invoiceId: 'inv-3', recipient: 'c@example.com' },
    options: once,
  });
  assert(first.id === again.id, 'an idempotency key answers the same job');

  const refused = await producer
    .enqueue({
      name: 'receipt.email',
      // @ts-expect-error -- not an email address is a runtime error; a missing field a compile error
      data: { invoiceId: 'inv-4' },
    })
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  // One copy of @conveyor/core: the queue's errors are the app's classes.
  assert(
    refused instanceof InvalidPayloadError,
    'an invalid payload is refused',
  );
  console.log(
    `producer: enqueued ${render.id}, ${batch.jobs.length} in a batch, one idempotent`,
  );
} finally {
  await jobs.close();
}
expectCleanExit('producer-check');
