import type { Sample } from '../context.ts';
import type { Scenario } from '../scenario.ts';
import { percentile } from '../stats.ts';
import { measureStartLatency } from './start-latency.ts';

/** 5. Pickup latency at 200 jobs/s. */
export const pickupScenario: Scenario = {
  id: 5,
  title: 'pickup latency enqueue → processor start at 200 jobs/s',
  goals: [],
  limits: [
    { metric: 'p50 ms', max: 2, label: 'pickup p50 ≤ 2 ms' },
    { metric: 'p99 ms', max: 10, label: 'pickup p99 ≤ 10 ms' },
  ],
  async run(ctx, order) {
    const count = ctx.quick ? 200 : 2_000;
    const samples: Sample[] = [];
    for (const side of order) {
      const latencies = await measureStartLatency(ctx, side, count, () => 0);
      samples.push(
        { metric: 'p50 ms', side, value: percentile(latencies, 50) },
        { metric: 'p95 ms', side, value: percentile(latencies, 95) },
        { metric: 'p99 ms', side, value: percentile(latencies, 99) },
      );
    }
    return samples;
  },
};
