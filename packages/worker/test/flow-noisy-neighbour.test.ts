import { FLOW_QUEUES } from '@conveyor/fixtures';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { flowHarness, type FlowHarness } from './support/flow-harness.ts';
import {
  BIG,
  describeRun,
  noisyNeighbour,
  SMALL,
} from './support/noisy-neighbour.ts';

const redisUrl = inject('redisUrl');
/** Generous for a loaded machine; the measured p99 is printed. */
const START_BOUND_MS = 30_000;

describe('fair share: a noisy neighbour (worker daemons in separate processes)', () => {
  let harness: FlowHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it("B's and C's 100 jobs each start within the bound, long before A's 20,000-job backlog drains", async () => {
    const h = (harness = flowHarness(redisUrl, 'flow-noisy'));
    const run = await noisyNeighbour(
      h,
      'flow.fair',
      FLOW_QUEUES.fair,
      START_BOUND_MS * 2,
    );
    console.info(describeRun('fair share on', run));
    expect(run.waitsMs).toHaveLength(2 * SMALL);
    expect(Math.max(...run.waitsMs)).toBeLessThanOrEqual(START_BOUND_MS);
    // Equal weights: while B and C have work, A gets a third of the starts,
    // so B's and C's 200 go by with about 100 of A's; half of A still waits.
    expect(run.bigBeforeLastSmall).toBeLessThanOrEqual(BIG / 2);
  }, 300_000);
});
