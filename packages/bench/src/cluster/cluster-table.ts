import { format } from '../report.ts';
import { median, range } from '../stats.ts';
import type { Measurement } from './measurement.ts';

/** One measurement of the cluster bench: enqueue (no workers) or processing with `workers` daemons. */
export interface ClusterSample {
  topology: string;
  /** 0 for the enqueue run. */
  workers: number;
  rep: number;
  measurement: Measurement;
}

export interface Spread {
  median: number;
  range: [number, number];
}

export interface ClusterRow {
  topology: string;
  workers: number;
  enqueue: Spread | undefined;
  process: Spread | undefined;
  /** Redis CPU of each node while processing, % of one core (median over repetitions). */
  nodeCpuPercent: number[];
  /** The same while enqueuing (no workers). */
  enqueueNodeCpuPercent: number[];
  /** Redis CPU per processed job, all nodes together, µs (median). */
  redisMicrosPerJob: number | undefined;
  /**
   * Over the row's runs: the least busy the machine was (all cores; near
   * 100 % means the CPU, not Redis or a shard, set the pace), the worst
   * steal and other-process shares, the mean load.
   */
  noise: {
    busy: number | null;
    steal: number | null;
    other: number | null;
    load: number;
  };
}

function spread(values: readonly number[]): Spread | undefined {
  return values.length > 0
    ? { median: median(values), range: range(values) }
    : undefined;
}

/** Each node's CPU as % of one core over each run's window, median over the runs. */
function nodePercents(runs: readonly Measurement[]): number[] {
  const nodes = Math.max(0, ...runs.map((r) => r.nodeCpuSeconds.length));
  return Array.from({ length: nodes }, (_, i) =>
    median(runs.map((r) => ((r.nodeCpuSeconds[i] ?? 0) / r.seconds) * 100)),
  );
}

const known = (values: readonly (number | null)[]) =>
  values.filter((v): v is number => v !== null);
const maxOf = (values: readonly (number | null)[]) =>
  known(values).length > 0 ? Math.max(...known(values)) : null;
const minOf = (values: readonly (number | null)[]) =>
  known(values).length > 0 ? Math.min(...known(values)) : null;

/**
 * One row per topology and worker count, in the order the samples name
 * them; each row carries its topology's enqueue throughput.
 */
export function summarizeCluster(
  samples: readonly ClusterSample[],
): ClusterRow[] {
  const topologies = [...new Set(samples.map((s) => s.topology))];
  return topologies.flatMap((topology) => {
    const mine = samples.filter((s) => s.topology === topology);
    const enqueueRuns = mine
      .filter((s) => s.workers === 0)
      .map((s) => s.measurement);
    const enqueue = spread(enqueueRuns.map((r) => r.jobsPerSecond));
    const workerCounts = [...new Set(mine.map((s) => s.workers))]
      .filter((w) => w > 0)
      .sort((a, b) => a - b);
    return workerCounts.map((workers) => {
      const runs = mine
        .filter((s) => s.workers === workers)
        .map((s) => s.measurement);
      const noiseRuns = runs.map((r) => r.noise);
      return {
        topology,
        workers,
        enqueue,
        process: spread(runs.map((r) => r.jobsPerSecond)),
        nodeCpuPercent: nodePercents(runs),
        enqueueNodeCpuPercent: nodePercents(enqueueRuns),
        redisMicrosPerJob:
          runs.length > 0
            ? median(
                runs.map(
                  (r) =>
                    (r.nodeCpuSeconds.reduce((a, b) => a + b, 0) /
                      (r.jobsPerSecond * r.seconds)) *
                    1e6,
                ),
              )
            : undefined,
        noise: {
          busy: minOf(noiseRuns.map((n) => n.busyPercent)),
          steal: maxOf(noiseRuns.map((n) => n.stealPercent)),
          other: maxOf(noiseRuns.map((n) => n.otherPercent)),
          load:
            noiseRuns.reduce((sum, n) => sum + n.load1, 0) /
            Math.max(1, noiseRuns.length),
        },
      };
    });
  });
}

const cell = (s: Spread | undefined) =>
  s ? `${format(s.median)} (${format(s.range[0])}–${format(s.range[1])})` : '-';

const pct = (value: number | null) =>
  value === null ? '-' : `${value.toFixed(0)} %`;

/** The printed table: aligned columns, one line per row. */
export function clusterTable(rows: readonly ClusterRow[]): string {
  const header = [
    'topology',
    'workers',
    'enqueue jobs/s (range)',
    'process jobs/s (range)',
    'Redis CPU per node while processing (% of a core)',
    'Redis µs/job',
    'machine busy (min) / steal / other / load',
  ];
  const body = rows.map((r) => [
    r.topology,
    String(r.workers),
    cell(r.enqueue),
    cell(r.process),
    r.nodeCpuPercent.map((p, i) => `n${i + 1} ${p.toFixed(0)} %`).join(' · '),
    r.redisMicrosPerJob === undefined ? '-' : format(r.redisMicrosPerJob),
    `${pct(r.noise.busy)} / ${pct(r.noise.steal)} / ${pct(r.noise.other)} / ${r.noise.load.toFixed(1)}`,
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)),
  );
  return [header, ...body]
    .map((cols) =>
      cols
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
