import { type EnqueueManyItemInput, type QueueName } from '@conveyor/core';
import { QUEUES, type FixtureRegistry } from '@conveyor/fixtures';

// Batched (enqueueMany), so without an idempotency key.
type Request = EnqueueManyItemInput<FixtureRegistry['jobs']>;

/**
 * The queues the cluster bench spreads its jobs over, each with a job whose
 * processor in the worker daemon finishes at once: TEST_JOB echoes, the log
 * providers "send" the SMS and the (empty) digest, and a sync of the
 * configured feeds fetches nothing when FEED_URLS is unset. `generation` is
 * left out: its local generator sleeps per section by design.
 */
export const BENCH_QUEUES = [
  QUEUES.default,
  QUEUES.sms,
  QUEUES.email,
  QUEUES.feeds,
] as const satisfies readonly QueueName[];

const DAY_MS = 24 * 60 * 60 * 1_000;

/** The `i`-th bench job of `queue`. */
export function benchJob(
  queue: (typeof BENCH_QUEUES)[number],
  i: number,
): Request {
  switch (queue) {
    case 'default':
      return { name: 'TEST_JOB', data: { message: `m${i}` } };
    case 'sms':
      return {
        name: 'sms.send',
        data: { to: '+14155550123', message: `code ${i}` },
      };
    case 'email':
      return {
        name: 'email.digest',
        data: {
          userId: `u-${i}`,
          period: 'daily',
          startDate: new Date(Date.UTC(2026, 10, 21)),
          endDate: new Date(Date.UTC(2026, 10, 21) + DAY_MS),
        },
      };
    case 'feeds':
      return { name: 'feed.sync', data: { feeds: 'configured' } };
  }
}

/** Job `i` of a stream spread round-robin over the bench queues. */
export function spreadJob(i: number): Request {
  const queue = BENCH_QUEUES[i % BENCH_QUEUES.length] ?? QUEUES.default;
  return benchJob(queue, i);
}
