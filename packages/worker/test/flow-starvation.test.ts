import { FLOW_QUEUES } from '@conveyor/fixtures';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { flowHarness, type FlowHarness } from './support/flow-harness.ts';
import {
  BIG,
  CONCURRENCY,
  DAEMONS,
  describeRun,
  noisyNeighbour,
  SMALL,
} from './support/noisy-neighbour.ts';

const redisUrl = inject('redisUrl');

describe('without fair share: the noisy neighbour starves the others (the baseline)', () => {
  let harness: FlowHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it("B's and C's jobs start only after (nearly) all of A's earlier 20,000", async () => {
    const h = (harness = flowHarness(redisUrl, 'flow-starve'));
    const run = await noisyNeighbour(
      h,
      'flow.plain',
      FLOW_QUEUES.plain,
      240_000,
    );
    console.info(describeRun('fair share off', run));
    expect(run.waitsMs).toHaveLength(2 * SMALL);
    // BullMQ's wait list is FIFO: every A job is fetched before B's first.
    // Starts are recorded after the fetch, so allow the jobs in flight.
    expect(run.bigBeforeFirstSmall).toBeGreaterThanOrEqual(
      BIG - 2 * DAEMONS * CONCURRENCY,
    );
  }, 300_000);
});
