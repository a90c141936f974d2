// `tsx --conditions=@conveyor/source src/producer-cost.ts` (env N, REPS,
// WHAT=one|many|both or one kind): what the in-process producer costs per job, as Node
// CPU (`process.cpuUsage`) and Redis CPU per job rather than throughput,
// which a shared machine makes unreadable. `enqueue` (100 in flight) against
// raw `queue.add`, `enqueueMany` of 1000 against `addBulk`, interleaved.
import { DEFAULT_TENANT, nonEmptyBatch } from '@conveyor/core';
import { fixtureRegistry as registry } from '@conveyor/fixtures';
import { createKeyspace, createProducer } from '@conveyor/queue';
import { startRedisServer } from '@conveyor/testkit';
import { Redis } from 'ioredis';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { saturate } from './context.ts';
import { fairQueue } from './fair-options.ts';

const N = Number(process.env.N ?? 20_000);
const REPS = Number(process.env.REPS ?? 3);
const WHAT = process.env.WHAT ?? 'both';
const BATCH = 1_000;

type Kind = 'add' | 'enqueue' | 'addBulk' | 'enqueueMany';

const redisServer = await startRedisServer();
const admin = new Redis(redisServer.url);

/** Redis's CPU (µs) and the bytes it has read from clients. */
async function redisCpu(): Promise<{ cpu: number; bytes: number }> {
  const info = (await admin.info('cpu')) + (await admin.info('stats'));
  const v = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1]);
  return {
    cpu: (v('used_cpu_sys') + v('used_cpu_user')) * 1e6,
    bytes: v('total_net_input_bytes'),
  };
}

const batch = Array.from({ length: BATCH }, (_, i) => ({
  name: 'TEST_JOB' as const,
  data: { message: `m${i}` },
}));

/** The measured work of one side, given a fresh prefix and connection. */
async function side(kind: Kind, redis: Redis, prefix: string) {
  if (kind === 'add' || kind === 'addBulk') {
    const queue = fairQueue(redis, prefix);
    await queue.waitUntilReady();
    return {
      work: () =>
        kind === 'add'
          ? saturate(N, 100, (i) => queue.add('TEST_JOB', { message: `m${i}` }))
          : manyBatches(() => queue.addBulk(batch)),
      close: () => queue.close(),
    };
  }
  const producer = createProducer({
    registry,
    tenantId: DEFAULT_TENANT,
    redis,
    keys: createKeyspace(prefix),
  });
  // Warm the queue's connection and scripts outside the measurement.
  await producer.enqueue({ name: 'TEST_JOB', data: { message: 'warm' } });
  return {
    work: () =>
      kind === 'enqueue'
        ? saturate(N, 100, (i) =>
            producer.enqueue({ name: 'TEST_JOB', data: { message: `m${i}` } }),
          )
        : manyBatches(() =>
            producer.enqueueMany({ jobs: nonEmptyBatch(batch) }),
          ),
    close: () => producer.close(),
  };
}

async function manyBatches(call: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let b = 0; b < N / BATCH; b += 1) await call();
  return (performance.now() - started) / 1_000;
}

/** With PROFILE=dir, each measured side's CPU profile is written there. */
async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
  const dir = process.env.PROFILE;
  if (!dir) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/${name}.cpuprofile`, JSON.stringify(profile));
    session.disconnect();
  }
}

async function measure(kind: Kind, rep: number): Promise<void> {
  const prefix = `cost-${kind}-${rep}`;
  const redis = new Redis(redisServer.url);
  const { work, close } = await side(kind, redis, prefix);
  global.gc?.();
  const cpu0 = process.cpuUsage();
  const redis0 = await redisCpu();
  const seconds = await profiled(`${kind}-${rep}`, work);
  const cpu = process.cpuUsage(cpu0);
  const redis1 = await redisCpu();
  const redisUs = redis1.cpu - redis0.cpu;
  const bytes = (redis1.bytes - redis0.bytes) / N;
  await close();
  redis.disconnect();
  await admin.flushall();
  const perJob = (cpu.user + cpu.system) / N;
  console.log(
    `${kind.padEnd(12)} rep ${rep}  node ${perJob.toFixed(1)} µs/job  ` +
      `redis ${(redisUs / N).toFixed(1)} µs/job  ${Math.round(bytes)} B/job  ` +
      `${Math.round(N / seconds)} jobs/s`,
  );
}

const kinds: Kind[][] = [];
if (WHAT === 'both' || WHAT === 'one') kinds.push(['add', 'enqueue']);
if (WHAT === 'both' || WHAT === 'many') kinds.push(['addBulk', 'enqueueMany']);
// One kind alone (a profile of one side): WHAT=enqueue, WHAT=enqueueMany, …
if (kinds.length === 0) kinds.push([WHAT as Kind]);
try {
  // A first, unmeasured pass warms the JIT on both sides.
  for (const pair of kinds) for (const kind of pair) await measure(kind, 0);
  for (let rep = 1; rep <= REPS; rep += 1)
    for (const pair of kinds) {
      const order = rep % 2 === 0 ? [...pair].reverse() : pair;
      for (const kind of order) await measure(kind, rep);
    }
} finally {
  admin.disconnect();
  await redisServer.stop();
}
