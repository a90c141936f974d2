import type { QueueName } from '@conveyor/core';
import { expectTypeOf, test } from 'vitest';
import type { FixtureRegistry } from '@conveyor/fixtures';
import type { EnqueueDeduplication } from '@conveyor/queue';
import type { ConveyorRouter } from '@conveyor/server';
import { createConveyorClient } from './create-client.ts';

// Typed by a catalog's router: the fixture catalog stands for an app's.
const client = createConveyorClient<ConveyorRouter<FixtureRegistry>>({
  url: 'http://127.0.0.1:3000/trpc',
});

test('a valid enqueue compiles and returns the job reference', () => {
  const result = client.enqueue.mutate({
    name: 'TEST_JOB',
    data: { message: 'hi' },
  });
  expectTypeOf(result).resolves.toEqualTypeOf<{
    id: string;
    name:
      | 'TEST_JOB'
      | 'sms.send'
      | 'email.digest'
      | 'feed.sync'
      | 'content.generate';
    queue: QueueName;
    replayed: boolean;
    deduplicated?: EnqueueDeduplication;
  }>();
  void client.enqueue.mutate({
    name: 'sms.send',
    data: { to: '+14155550123', message: 'hi' },
  });
  void client.enqueue.mutate({
    name: 'email.digest',
    data: {
      userId: 'u',
      period: 'daily',
      startDate: new Date(),
      endDate: new Date(),
    },
  });
});

test('a wrong field type does not compile', () => {
  // @ts-expect-error -- message must be a string
  void client.enqueue.mutate({ name: 'TEST_JOB', data: { message: 42 } });
  void client.enqueue.mutate({
    name: 'email.digest',
    data: {
      userId: 'u',
      period: 'daily',
      // @ts-expect-error -- startDate must be a Date, not a string
      startDate: '2026-11-01',
      endDate: new Date(),
    },
  });
  void client.enqueue.mutate({
    name: 'email.digest',
    data: {
      userId: 'u',
      // @ts-expect-error -- period is 'daily' | 'weekly'
      period: 'monthly',
      startDate: new Date(),
      endDate: new Date(),
    },
  });
});

test('a missing field, or data of another job, does not compile', () => {
  // @ts-expect-error -- sms.send needs `to`
  void client.enqueue.mutate({ name: 'sms.send', data: { message: 'hi' } });
  void client.enqueue.mutate({
    name: 'TEST_JOB',
    // @ts-expect-error -- TEST_JOB's data is { message }, not an SMS
    data: { to: '+14155550123', message: 'hi' },
  });
});

test('an unknown job name does not compile', () => {
  // @ts-expect-error -- no job is called 'sms.sned'
  void client.enqueue.mutate({ name: 'sms.sned', data: { message: 'hi' } });
});

test('jobs.get is typed per job name once narrowed', async () => {
  const job = await client.jobs.get.query({ id: 'x' });
  if (job.name === 'email.digest' && job.dataError === null) {
    expectTypeOf(job.data.startDate).toEqualTypeOf<Date>();
    expectTypeOf(job.result).toEqualTypeOf<{
      messageId: string;
      itemCount: number;
    } | null>();
    expectTypeOf(job.progress).toEqualTypeOf<{
      percent: number;
      stage: 'gathering' | 'sending' | 'done';
    } | null>();
  }
  if (job.name === 'TEST_JOB' && job.dataError === null) {
    expectTypeOf(job.data).toEqualTypeOf<{ message: string }>();
    expectTypeOf(job.result).toEqualTypeOf<{ echoed: string } | null>();
    // @ts-expect-error -- TEST_JOB's data has no `to`
    void job.data.to;
  }
  if (job.dataError !== null) {
    // Stored data that is not a Conveyor envelope is typed as what it is: none.
    expectTypeOf(job.data).toEqualTypeOf<null>();
    expectTypeOf(job.dataError).toEqualTypeOf<string>();
  }
  expectTypeOf(job.state).toEqualTypeOf<
    'waiting' | 'delayed' | 'active' | 'completed' | 'failed' | 'cancelled'
  >();
});

test('jobs.watch events are typed per job name', () => {
  client.jobs.watch.subscribe(
    { id: 'x' },
    {
      onData: ({ data: event }) => {
        if (event.name === 'email.digest' && event.type === 'progress') {
          expectTypeOf(event.progress.percent).toEqualTypeOf<number>();
        }
        if (event.name === 'sms.send' && event.type === 'completed') {
          expectTypeOf(event.result).toEqualTypeOf<{
            providerMessageId: string;
          }>();
        }
        if (event.type === 'failed')
          expectTypeOf(event.reason).toEqualTypeOf<string>();
      },
    },
  );
});

test('enqueue options are checked at compile time too', () => {
  void client.enqueue.mutate({
    name: 'TEST_JOB',
    data: { message: 'x' },
    // @ts-expect-error -- delay is a number of ms
    options: { delay: '5s' },
  });
  void client.enqueue.mutate({
    name: 'TEST_JOB',
    data: { message: 'x' },
    options: { runAt: new Date(), priority: 1, idempotencyKey: 'k' },
  });
});

test('a foreign property in a payload does not compile', () => {
  void client.enqueue.mutate({
    name: 'TEST_JOB',
    // @ts-expect-error -- TEST_JOB has no `extra` (refused at run time too)
    data: { message: 'x', extra: 1 },
  });
  void client.enqueueMany.mutate({
    // @ts-expect-error -- nor inside a batch
    jobs: [{ name: 'TEST_JOB', data: { message: 'x', extra: 1 } }],
  });
});

test('delay and runAt exclude each other', () => {
  void client.enqueue.mutate({
    name: 'TEST_JOB',
    data: { message: 'x' },
    // @ts-expect-error -- one or the other
    options: { delay: 5, runAt: new Date() },
  });
});

test('read filters take the catalog’s job names', () => {
  void client.jobs.list.query({ name: 'sms.send' });
  // @ts-expect-error -- no job is called 'sms.sned'
  void client.jobs.list.query({ name: 'sms.sned' });
  // @ts-expect-error -- the same for dead letters
  void client.deadLetters.list.query({ name: 'sms.sned' });
  // @ts-expect-error -- and bulk redrive
  void client.deadLetters.redriveMany.mutate({ name: 'sms.sned' });
});

test('without a router type the client is catalog-free (the CLI’s)', () => {
  const anyCatalog = createConveyorClient({
    url: 'http://127.0.0.1:3000/trpc',
  });
  void anyCatalog.enqueue.mutate({ name: 'any.job', data: { any: 'thing' } });
  void anyCatalog.jobs.list.query({ name: 'any.job' });
});

test('what the API refuses does not compile through the client either', () => {
  // @ts-expect-error -- an empty batch
  void client.enqueueMany.mutate({ jobs: [] });
  void client.enqueueMany.mutate({
    jobs: [
      {
        name: 'TEST_JOB',
        data: { message: 'x' },
        // @ts-expect-error -- an idempotency key in a batch (use enqueue)
        options: { idempotencyKey: 'k' },
      },
    ],
  });
  const name = 'TEST_JOB' as 'TEST_JOB' | 'sms.send';
  // @ts-expect-error -- data that fits only one of the jobs the name may be
  void client.enqueue.mutate({ name, data: { message: 'x' } });
  // @ts-expect-error -- a resume point that is no stream id
  client.jobs.watch.subscribe({ id: 'x', lastEventId: 'latest' }, {});
  client.jobs.watch.subscribe({ id: 'x', lastEventId: '1700000000000-0' }, {});
});
