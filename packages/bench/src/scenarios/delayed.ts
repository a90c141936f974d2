import type { Sample } from '../context.ts';
import type { Scenario } from '../scenario.ts';
import { percentile } from '../stats.ts';
import { measureStartLatency } from './start-latency.ts';

/** Delays cycle through 100, 200, … 500 ms: due times interleave with new adds. */
const delayOf = (index: number) => 100 + (index % 5) * 100;

/**
 * 14. Delayed-job lateness: how long after its due time (add + delay) a
 * delayed job's processor starts. Peers publish it; the raw side is BullMQ's
 * own delayed jobs with the same worker settings.
 */
export const delayedScenario: Scenario = {
  id: 14,
  title:
    'delayed-job lateness due time → processor start, 200 jobs/s, delays 100–500 ms',
  goals: [],
  limits: [
    { metric: 'late p50 ms', max: 5, label: 'delayed-job lateness p50 ≤ 5 ms' },
    {
      metric: 'late p99 ms',
      max: 20,
      label: 'delayed-job lateness p99 ≤ 20 ms',
    },
  ],
  async run(ctx, order) {
    const count = ctx.quick ? 200 : 1_000;
    const samples: Sample[] = [];
    for (const side of order) {
      const late = await measureStartLatency(ctx, side, count, delayOf);
      samples.push(
        { metric: 'late p50 ms', side, value: percentile(late, 50) },
        { metric: 'late p95 ms', side, value: percentile(late, 95) },
        { metric: 'late p99 ms', side, value: percentile(late, 99) },
      );
    }
    return samples;
  },
};
