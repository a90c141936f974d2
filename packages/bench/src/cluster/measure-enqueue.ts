import { saturate } from '../context.ts';
import { startNoiseMeter } from '../noise.ts';
import { spreadJob } from './bench-jobs.ts';
import { withBenchProducer } from './bench-producer.ts';
import { cpuDelta, type Measurement } from './measurement.ts';
import type { NodeProbe } from './node-probe.ts';
import type { Topology } from './topology.ts';

const IN_FLIGHT = 100;
/** Untimed enqueues first: BullMQ loads its scripts into each node on first use. */
const WARM_UP = 200;

/**
 * `count` single enqueues through the in-process producer, 100 in flight,
 * spread round-robin over the bench queues (so over the shards of a
 * Cluster). No worker runs: this is the add path alone.
 */
export function measureEnqueue(
  topology: Topology,
  probe: NodeProbe,
  count: number,
): Promise<Measurement> {
  return withBenchProducer(topology.url, async ({ producer }) => {
    await saturate(WARM_UP, IN_FLIGHT, (i) => producer.enqueue(spreadJob(i)));
    const before = await probe.cpuSeconds();
    const meter = startNoiseMeter();
    const seconds = await saturate(count, IN_FLIGHT, (i) =>
      producer.enqueue(spreadJob(i)),
    );
    const noise = meter.stop();
    const after = await probe.cpuSeconds();
    return {
      jobsPerSecond: count / seconds,
      seconds,
      nodeCpuSeconds: cpuDelta(before, after),
      noise,
    };
  });
}
