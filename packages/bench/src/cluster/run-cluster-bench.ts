import { DEFAULT_TENANT } from '@conveyor/core';
import { ensureApiBuilt } from '../api-load/ensure-built.ts';
import { startNoiseMeter } from '../noise.ts';
import { BENCH_QUEUES } from './bench-jobs.ts';
import {
  clusterTable,
  summarizeCluster,
  type ClusterRow,
  type ClusterSample,
} from './cluster-table.ts';
import { measureDrain } from './measure-drain.ts';
import { measureEnqueue } from './measure-enqueue.ts';
import { NodeProbe } from './node-probe.ts';
import { startTopology, type Topology, type TopologyKind } from './topology.ts';

export interface ClusterBenchOptions {
  quick: boolean;
  log: (message: string) => void;
}

const TOPOLOGIES: readonly TopologyKind[] = [
  'server',
  'cluster-1',
  'cluster-3',
];
const WORKER_COUNTS = [1, 2] as const;
/** Per queue and daemon: 4 queues × 50 = 200 jobs in flight per process. */
const CONCURRENCY = 50;

export const TWO_CORE_TEXT = `What this machine can and cannot show. Every redis-server, the worker daemons and the producer share the machine's cores (2 here, with whatever else runs: see the noise columns; a machine busy near 100 % means the CPU, not Redis or a shard, set the pace). A shard adds throughput only when it brings CPU of its own; here 3 masters split the same cores 1 master had, and add event loops, connections and per-slot round trips. So jobs/s cannot scale with shards on this machine, and 1 vs 2 worker processes only says whether one Node process was the bottleneck while it competes with Redis for the same cores. The meaningful readings are the Redis CPU per node, which shows how the load spreads over the masters (all keys of a queue sit on its {queue} hash tag's node, a tenant's ledger on its {tenant} tag's node), and Redis µs/job, the total Redis work per job in each topology. Scaling needs each master (and the workers) on cores of their own.`;

interface Setup {
  topology: Topology;
  probe: NodeProbe;
}

/**
 * `yarn bench --cluster`: enqueue and processing throughput of the worker
 * daemon on one redis-server, a 1-master and a 3-master Redis Cluster, with
 * 1 and 2 worker processes. Topologies stay up for the whole run so
 * repetitions can interleave them (the order reverses every repetition).
 */
export async function runClusterBench({
  quick,
  log,
}: ClusterBenchOptions): Promise<ClusterRow[]> {
  const repetitions = quick ? 2 : 3;
  const enqueueCount = quick ? 1_000 : 15_000;
  const drainCount = quick ? 1_200 : 20_000;
  log(
    `yarn bench --cluster${quick ? ' --quick (smoke run: sizes too small for conclusions)' : ''}: ${repetitions} interleaved repetitions; enqueue ${enqueueCount} jobs (100 in flight), process ${drainCount} jobs over ${BENCH_QUEUES.join(', ')} (worker daemons, WORKER_CONCURRENCY=${CONCURRENCY})`,
  );
  await ensureApiBuilt(log);
  const started = Date.now();
  const wholeRun = startNoiseMeter();
  const setups: Setup[] = [];
  try {
    for (const kind of TOPOLOGIES) {
      const topology = await startTopology(kind);
      setups.push({ topology, probe: new NodeProbe(topology) });
    }
    for (const setup of setups) log(await placement(setup));
    const samples: ClusterSample[] = [];
    for (let rep = 0; rep < repetitions; rep += 1) {
      const order = rep % 2 === 0 ? setups : [...setups].reverse();
      const workerOrder =
        rep % 2 === 0 ? WORKER_COUNTS : [...WORKER_COUNTS].reverse();
      for (const { topology, probe } of order) {
        log(`[${rep + 1}/${repetitions}] ${topology.label}`);
        samples.push({
          topology: topology.label,
          workers: 0,
          rep,
          measurement: await measureEnqueue(topology, probe, enqueueCount),
        });
        for (const workers of workerOrder)
          samples.push({
            topology: topology.label,
            workers,
            rep,
            measurement: await measureDrain(topology, probe, {
              count: drainCount,
              processes: workers,
              concurrency: CONCURRENCY,
            }),
          });
      }
    }
    const byTopology = TOPOLOGIES.map((_, i) => setups[i]?.topology.label);
    const rows = summarizeCluster(
      byTopology.flatMap((label) =>
        samples.filter((s) => s.topology === label),
      ),
    );
    log(`\n${clusterTable(rows)}\n`);
    for (const row of rows.filter((r) => r.workers === WORKER_COUNTS[0]))
      log(
        `Redis CPU per node while enqueuing, ${row.topology}: ${row.enqueueNodeCpuPercent.map((p, i) => `n${i + 1} ${p.toFixed(0)} %`).join(' · ')}`,
      );
    const run = wholeRun.stop();
    log(
      `\nTotal time ${((Date.now() - started) / 1_000).toFixed(0)} s; over the run: load ${run.load1.toFixed(2)}, steal ${run.stealPercent?.toFixed(1) ?? '-'} %, other processes ${run.otherPercent?.toFixed(1) ?? '-'} % of the machine.`,
    );
    log(`\n${TWO_CORE_TEXT}`);
    return rows;
  } finally {
    for (const { topology, probe } of setups) {
      probe.close();
      await topology.stop();
    }
  }
}

/** Which node holds which queue (and the tenant's ledger): what the per-node CPU is read against. */
async function placement({ topology, probe }: Setup): Promise<string> {
  const owners = await probe.owners([...BENCH_QUEUES, DEFAULT_TENANT]);
  const held = topology.nodes.map((node, i) => {
    const queues = BENCH_QUEUES.filter((q) => owners.get(q) === i);
    const tenant =
      owners.get(DEFAULT_TENANT) === i
        ? [`tenant '${DEFAULT_TENANT}' ledger`]
        : [];
    const what = [...queues, ...tenant];
    return `n${i + 1} (:${node.port}) ${what.length > 0 ? what.join(', ') : 'none of them'}`;
  });
  return `${topology.label}: ${held.join(' · ')}`;
}
