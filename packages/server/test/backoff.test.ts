import type { FixtureRegistry } from '@conveyor/fixtures';
import type { ProcessorMap } from '@conveyor/queue';
import { waitFor } from '@conveyor/testkit';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { scriptedProcessors } from './support/scripted-processors.ts';
import { startHarness, type Harness } from './support/harness.ts';

const redisUrl = inject('redisUrl');
let harness: Harness;
const processors: ProcessorMap<FixtureRegistry> = {
  ...scriptedProcessors(),
  // Fails until its third attempt.
  TEST_JOB: (payload, { attempt }) =>
    attempt < 3
      ? Promise.reject(new Error(`try ${attempt}`))
      : Promise.resolve({ echoed: payload.message }),
};
beforeAll(async () => {
  harness = await startHarness(redisUrl, { processors });
});
afterAll(() => harness.close());

it('a ladder given at enqueue is waited step by step, and jobs.attempts shows each wait', async () => {
  const { id } = await harness.client.enqueue.mutate({
    name: 'TEST_JOB',
    data: { message: 'climb' },
    options: {
      attempts: 3,
      backoff: { type: 'ladder', delays: ['250ms', 600] },
    },
  });
  await waitFor(
    async () =>
      (await harness.client.jobs.get.query({ id })).state === 'completed' ||
      undefined,
    10_000,
    'the job to complete',
  );
  const attempts = await harness.client.jobs.attempts.query({ id });
  expect(attempts.map((a) => [a.attempt, a.error])).toEqual([
    [1, 'try 1'],
    [2, 'try 2'],
    [3, null],
  ]);
  expect(attempts[0]?.waitedMs).toBeNull();
  const [second, third] = [attempts[1]?.waitedMs, attempts[2]?.waitedMs];
  expect(second).toBeGreaterThanOrEqual(245);
  expect(third).toBeGreaterThanOrEqual(595);
});

it('a backoff that is not a policy is a 400 before anything is stored', async () => {
  const refused = await harness.client.enqueue
    .mutate({
      name: 'TEST_JOB',
      data: { message: 'x' },
      options: { backoff: { type: 'ladder', delays: [] } as never },
    })
    .catch((e: unknown) => e as { data?: { code?: string } });
  expect(refused).toMatchObject({ data: { code: 'BAD_REQUEST' } });
});
