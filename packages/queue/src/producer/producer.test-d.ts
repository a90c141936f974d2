import type { fixtureRegistry as registry } from '@conveyor/fixtures';
import { expectTypeOf, test } from 'vitest';
import type { EnqueueDeduplication, Producer } from './producer-options.ts';

const producer = {} as Producer<typeof registry>;

test('the producer accepts exactly the catalog requests', () => {
  expectTypeOf(
    producer.enqueue({ name: 'TEST_JOB', data: { message: 'x' } }),
  ).resolves.toEqualTypeOf<{
    id: string;
    name: 'TEST_JOB';
    queue: string;
    replayed: boolean;
    deduplicated?: EnqueueDeduplication;
  }>();
  // @ts-expect-error -- unknown job
  void producer.enqueue({ name: 'nope', data: {} });
  // @ts-expect-error -- wrong payload for the job
  void producer.enqueue({ name: 'sms.send', data: { message: 1 } });
});

test('a foreign property in a payload does not compile (it is refused at run time too)', () => {
  void producer.enqueue({
    name: 'TEST_JOB',
    // @ts-expect-error -- TEST_JOB has no `extra`
    data: { message: 'x', extra: 1 },
  });
  void producer.enqueueMany({
    // @ts-expect-error -- nor inside a batch
    jobs: [{ name: 'TEST_JOB', data: { message: 'x', extra: 1 } }],
  });
});

test('delay and runAt exclude each other', () => {
  void producer.enqueue({
    name: 'TEST_JOB',
    data: { message: 'x' },
    // @ts-expect-error -- one or the other
    options: { delay: 5, runAt: new Date() },
  });
  void producer.enqueue({
    name: 'TEST_JOB',
    data: { message: 'x' },
    options: { runAt: new Date(), priority: 1 },
  });
});
