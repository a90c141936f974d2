import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { defineJob } from './define-job.ts';
import { QUEUES } from '@conveyor/fixtures';

const input = z.strictObject({
  userId: z.string(),
  count: z.number().default(1),
});

test('a key function reads the validated input, defaults applied', () => {
  defineJob({
    name: 'digest.build',
    queue: QUEUES.default,
    input,
    deduplicate: {
      mode: 'debounce',
      ttl: '1m',
      key: (data) => {
        expectTypeOf(data).toEqualTypeOf<{ userId: string; count: number }>();
        return `${data.userId}/${data.count}`;
      },
    },
  });
});

test('a key function over a field the input lacks does not compile', () => {
  defineJob({
    name: 'digest.build',
    queue: QUEUES.default,
    input,
    deduplicate: {
      mode: 'simple',
      // @ts-expect-error -- the input has no `accountId`
      key: (data) => String(data.accountId),
    },
  });
});

test('a key function that returns a number does not compile', () => {
  defineJob({
    name: 'digest.build',
    queue: QUEUES.default,
    input,
    deduplicate: {
      mode: 'throttle',
      ttl: '10s',
      // @ts-expect-error -- a key is a string
      key: (data) => data.count,
    },
  });
});

test('a mode BullMQ does not have does not compile', () => {
  defineJob({
    name: 'digest.build',
    queue: QUEUES.default,
    input,
    deduplicate: {
      // @ts-expect-error -- not a deduplication mode
      mode: 'coalesce',
      key: (data) => data.userId,
    },
  });
});
