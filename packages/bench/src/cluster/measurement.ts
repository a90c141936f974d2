import type { NoiseReading } from '../noise.ts';

/** One timed run against one topology. */
export interface Measurement {
  jobsPerSecond: number;
  seconds: number;
  /** Redis CPU (user + sys) each node spent over the timed window, in seconds. */
  nodeCpuSeconds: number[];
  noise: NoiseReading;
}

/** CPU seconds per node between two readings. */
export function cpuDelta(
  before: readonly number[],
  after: readonly number[],
): number[] {
  return after.map((value, i) => Math.max(0, value - (before[i] ?? 0)));
}
