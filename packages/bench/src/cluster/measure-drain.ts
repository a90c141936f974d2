import { DEFAULT_TENANT, MAX_BATCH_SIZE, nonEmptyBatch } from '@conveyor/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { startNoiseMeter } from '../noise.ts';
import { BENCH_QUEUES, benchJob } from './bench-jobs.ts';
import { withBenchProducer, type BenchProducer } from './bench-producer.ts';
import { cpuDelta, type Measurement } from './measurement.ts';
import type { NodeProbe } from './node-probe.ts';
import type { Topology } from './topology.ts';
import { startWorkerDaemons, type WorkerDaemons } from './worker-daemons.ts';

export interface DrainOptions {
  /** Jobs in all; each bench queue gets an equal share. */
  count: number;
  processes: number;
  /** WORKER_CONCURRENCY of each daemon (per queue). */
  concurrency: number;
}

const DRAIN_TIMEOUT_MS = 120_000;

/**
 * Pre-fills the bench queues (paused, one batch of up to 1,000 per queue at
 * a time: a Cluster refuses batches across queues), starts `processes`
 * worker daemons, waits until every one of them listens on every queue,
 * then resumes the queues and times until the tenant's finished totals
 * reach `count`. Pausing keeps the daemons' start-up (Node, modules,
 * connections) out of the timed window.
 */
export function measureDrain(
  topology: Topology,
  probe: NodeProbe,
  options: DrainOptions,
): Promise<Measurement> {
  return withBenchProducer(topology.url, async (bench) => {
    const perQueue = Math.ceil(options.count / BENCH_QUEUES.length);
    const total = perQueue * BENCH_QUEUES.length;
    const queues = BENCH_QUEUES.map((name) => bench.producer.queue(name));
    await Promise.all(queues.map((queue) => queue.pause()));
    await fill(bench, perQueue);
    const daemons = startWorkerDaemons(options.processes, {
      REDIS_URL: topology.url,
      CONVEYOR_PREFIX: bench.prefix,
      LOG_LEVEL: 'warn',
      HISTORY: 'off',
      WORKER_CONCURRENCY: String(options.concurrency),
      WORKER_QUEUES: BENCH_QUEUES.join(','),
    });
    try {
      await waitForWorkers(bench, options.processes, daemons);
      const before = await probe.cpuSeconds();
      const meter = startNoiseMeter();
      const started = performance.now();
      await Promise.all(queues.map((queue) => queue.resume()));
      const failed = await waitForFinished(bench, total, daemons);
      const seconds = (performance.now() - started) / 1_000;
      const noise = meter.stop();
      const after = await probe.cpuSeconds();
      if (failed > 0)
        throw new Error(
          `${failed} of ${total} bench jobs failed on ${topology.label}:\n${daemons.output.slice(-20).join('\n')}`,
        );
      return {
        jobsPerSecond: total / seconds,
        seconds,
        nodeCpuSeconds: cpuDelta(before, after),
        noise,
      };
    } finally {
      await daemons.stop();
    }
  });
}

async function fill(bench: BenchProducer, perQueue: number): Promise<void> {
  for (const queue of BENCH_QUEUES)
    for (let start = 0; start < perQueue; start += MAX_BATCH_SIZE) {
      const size = Math.min(MAX_BATCH_SIZE, perQueue - start);
      await bench.producer.enqueueMany({
        jobs: nonEmptyBatch(
          Array.from({ length: size }, (_, i) => benchJob(queue, start + i)),
        ),
      });
    }
}

/** BullMQ names each Worker's connection: every daemon must be listening on every queue. */
async function waitForWorkers(
  bench: BenchProducer,
  processes: number,
  daemons: WorkerDaemons,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const counts = await Promise.all(
      BENCH_QUEUES.map((name) => bench.producer.queue(name).getWorkersCount()),
    );
    if (counts.every((count) => count >= processes)) return;
    if (Date.now() > deadline)
      throw new Error(
        `the worker daemons did not come up (workers per queue: ${counts.join(', ')}):\n${daemons.output.slice(-20).join('\n')}`,
      );
    await sleep(100);
  }
}

/**
 * Polls the tenant's finished totals (what the worker counts as each job
 * leaves for good) until `total` jobs are completed or failed; returns how
 * many failed.
 */
async function waitForFinished(
  { redis, keys }: BenchProducer,
  total: number,
  daemons: WorkerDaemons,
): Promise<number> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  for (;;) {
    const replies = await Promise.all(
      BENCH_QUEUES.map((queue) =>
        redis.hmget(keys.counts(queue, DEFAULT_TENANT), 'completed', 'failed'),
      ),
    );
    const completed = replies.reduce((sum, [c]) => sum + Number(c ?? 0), 0);
    const failed = replies.reduce((sum, [, f]) => sum + Number(f ?? 0), 0);
    if (completed + failed >= total) return failed;
    if (Date.now() > deadline)
      throw new Error(
        `only ${completed} completed and ${failed} failed of ${total} after ${DRAIN_TIMEOUT_MS / 1_000} s:\n${daemons.output.slice(-20).join('\n')}`,
      );
    await sleep(50);
  }
}
