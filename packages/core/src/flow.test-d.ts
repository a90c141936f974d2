import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { defineJob } from './define-job.ts';
import { defineRegistry } from './registry.ts';

const input = z.strictObject({ account: z.string(), to: z.string() });

test('a flow key reads the validated input', () => {
  defineJob({
    name: 'sms.send',
    queue: 'sms',
    input,
    flow: {
      key: (data) => {
        expectTypeOf(data).toEqualTypeOf<{ account: string; to: string }>();
        return data.account;
      },
      concurrency: 3,
      rateLimit: { max: 10, per: '1s' },
    },
  });
});

test('a flow key over a field the input lacks does not compile', () => {
  defineJob({
    name: 'sms.send',
    queue: 'sms',
    input,
    // @ts-expect-error -- the input has no `brand`
    flow: { key: (data) => String(data.brand), concurrency: 1 },
  });
});

test('a flow key that returns a number does not compile', () => {
  defineJob({
    name: 'sms.send',
    queue: 'sms',
    input,
    // @ts-expect-error -- a key is a string
    flow: { key: (data) => data.to.length, concurrency: 1 },
  });
});

test('a rate limit period must be a duration', () => {
  defineJob({
    name: 'sms.send',
    queue: 'sms',
    input,
    // @ts-expect-error -- `1 sec` is not a duration
    flow: { rateLimit: { max: 10, per: '1 sec' } },
  });
});

test('queue settings name only the registry’s queues', () => {
  const job = defineJob({ name: 'sms.send', queue: 'sms', input });
  defineRegistry([job], { queues: { sms: { globalConcurrency: 5 } } });
  // @ts-expect-error -- no job of this registry uses `email`
  defineRegistry([job], { queues: { email: { globalConcurrency: 5 } } });
});
