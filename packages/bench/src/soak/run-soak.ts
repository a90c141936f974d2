import { join } from 'node:path';
import type { LoadGenerator } from './load-generator.ts';
import { connectionsOf } from './proc-sockets.ts';
import type { RedisCensus } from './redis-census.ts';
import type { ServiceProcess } from './service-process.ts';
import {
  processRow,
  processVerdicts,
  redisVerdicts,
  type ProcessRow,
  type RedisRow,
  type Verdict,
} from './soak-report.ts';

export interface SoakSettings {
  jobs: number;
  sampleEvery: number;
  batch: number;
  callers: number;
  maxBacklog: number;
  /** A folder for heap snapshots at the baseline and last samples, or none. */
  heapSnapshots: string | undefined;
}

export interface SoakRun {
  processes: { api: ProcessRow[]; worker: ProcessRow[] };
  redis: RedisRow[];
  verdicts: Verdict[];
  /** Enqueue-to-drained time only: sampling and settling are left out. */
  jobsPerSecond: number;
  seconds: number;
  /** Jobs of batches answered 503 or not at all: not counted in `jobs`. */
  uncertainJobs: number;
}

interface SoakDeps {
  settings: SoakSettings;
  load: LoadGenerator;
  census: RedisCensus;
  services: { api: ServiceProcess; worker: ServiceProcess };
  redisPort: number;
}

const SETTLE_MS = 1_000;
const STUCK_MS = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** 100k, 200k, … up to `jobs` (which ends the list even when not a multiple). */
export function sampleBoundaries(jobs: number, every: number): number[] {
  const boundaries: number[] = [];
  for (let n = every; n < jobs; n += every) boundaries.push(n);
  boundaries.push(jobs);
  return boundaries;
}

/**
 * At each boundary the load stops at exactly that many jobs, the worker
 * drains the queue, the client closes its connections, and after a second
 * to settle both processes are sampled: every sample sees the same idle
 * state, so what differs between samples is what the jobs left behind.
 */
export async function runSoak(deps: SoakDeps): Promise<SoakRun> {
  const { settings, load, census, services } = deps;
  const processes: SoakRun['processes'] = { api: [], worker: [] };
  const redis: RedisRow[] = [];
  const boundaries = sampleBoundaries(settings.jobs, settings.sampleEvery);
  const started = performance.now();
  let busyMs = 0;
  const progress = setInterval(() => {
    void census.unfinished().then((unfinished) => {
      const done = load.enqueued - unfinished;
      const rate = done / ((performance.now() - started) / 1_000);
      console.log(
        `  enqueued ${load.enqueued.toLocaleString('en')}, finished ${done.toLocaleString('en')} (${rate.toFixed(0)} jobs/s overall)`,
      );
    });
  }, 15_000);
  try {
    await sample(deps, 0, processes, redis);
    for (const target of boundaries) {
      const t = performance.now();
      await load.enqueueUpTo(target);
      await drain(census);
      busyMs += performance.now() - t;
      load.disconnect();
      await sleep(SETTLE_MS);
      // Drained: every accepted job is completed or failed (the Redis row counts failures).
      const done = load.enqueued;
      await sample(deps, done, processes, redis);
      // After the sample: a snapshot collects harder than gc() (V8's
      // memory-reducing GC, which may also drop compiled code), so a sample
      // taken just after one reads lower than the others.
      const edge = target === boundaries[0] || target === boundaries.at(-1);
      if (settings.heapSnapshots && edge)
        for (const service of Object.values(services))
          await service.heapSnapshot(
            join(
              settings.heapSnapshots,
              `${service.name}-${done}.heapsnapshot`,
            ),
          );
    }
  } finally {
    clearInterval(progress);
  }
  const verdicts = [
    ...processVerdicts('API', processes.api, settings.sampleEvery),
    ...processVerdicts('worker', processes.worker, settings.sampleEvery),
    ...redisVerdicts(redis, settings.sampleEvery),
  ];
  return {
    processes,
    redis,
    verdicts,
    jobsPerSecond: Math.round(settings.jobs / (busyMs / 1_000)),
    seconds: Math.round((performance.now() - started) / 1_000),
    uncertainJobs: load.uncertainJobs,
  };
}

async function sample(
  deps: SoakDeps,
  jobs: number,
  processes: SoakRun['processes'],
  redis: RedisRow[],
): Promise<void> {
  for (const name of ['api', 'worker'] as const) {
    const probe = await deps.services[name].sample();
    processes[name].push(
      processRow(jobs, probe, connectionsOf(probe.pid, deps.redisPort)),
    );
  }
  redis.push(await deps.census.row(jobs));
  // The whole sample, one line each: a run cut short still leaves its data.
  console.log(
    `sample ${JSON.stringify({ api: processes.api.at(-1), worker: processes.worker.at(-1), redis: redis.at(-1) })}`,
  );
}

/** Waits until no job is unfinished; throws when the count stops moving for a minute. */
async function drain(census: RedisCensus): Promise<void> {
  let last = -1;
  let since = Date.now();
  for (;;) {
    const unfinished = await census.unfinished();
    if (unfinished === 0) return;
    if (unfinished !== last) {
      last = unfinished;
      since = Date.now();
    } else if (Date.now() - since > STUCK_MS) {
      throw new Error(`${unfinished} jobs unfinished and not moving`);
    }
    await sleep(100);
  }
}
