// `tsx --conditions=@conveyor/source src/worker-cost.ts` (env SIDE=raw|conveyor,
// N, CONCURRENCY, WARMUP): the worker's Node CPU per job (process.cpuUsage)
// and Redis CPU and commands per job while draining a filled queue with a
// no-op processor, as scenario 4 does: CPU per job rather than throughput,
// which a shared machine makes unreadable. Each side runs in its own process.
import { DEFAULT_TENANT, nonEmptyBatch } from '@conveyor/core';
import { fixtureRegistry as registry } from '@conveyor/fixtures';
import {
  createKeyspace,
  createProducer,
  createWorkerPool,
} from '@conveyor/queue';
import { startRedisServer } from '@conveyor/testkit';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import pino from 'pino';
import { fairQueue } from './fair-options.ts';

const SIDE = process.env.SIDE === 'raw' ? 'raw' : 'conveyor';
const N = Number(process.env.N ?? 20_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 100);
const WARMUP = Number(process.env.WARMUP ?? 5_000);

async function redisInfo(r: Redis): Promise<{ cpu: number; cmds: number }> {
  const cpu = await r.info('cpu');
  const stats = await r.info('stats');
  const v = (k: string, s: string) =>
    Number(new RegExp(`${k}:([\\d.]+)`).exec(s)?.[1]);
  return {
    cpu: (v('used_cpu_sys', cpu) + v('used_cpu_user', cpu)) * 1e6,
    cmds: v('total_commands_processed', stats),
  };
}

async function fill(redis: Redis, prefix: string, count: number) {
  const jobs = Array.from({ length: count }, (_, i) => ({
    name: 'TEST_JOB' as const,
    data: { message: `m${i}` },
  }));
  if (SIDE === 'raw') {
    const queue = fairQueue(redis, prefix);
    for (let i = 0; i < count; i += 1_000)
      await queue.addBulk(jobs.slice(i, i + 1_000));
    await queue.close();
    return;
  }
  const producer = createProducer({
    registry,
    tenantId: DEFAULT_TENANT,
    redis,
    keys: createKeyspace(prefix),
  });
  for (let i = 0; i < count; i += 1_000)
    await producer.enqueueMany({
      jobs: nonEmptyBatch(jobs.slice(i, i + 1_000)),
    });
  await producer.close();
}

/** Drains `count` jobs; returns the worker's close. */
async function drain(url: string, prefix: string, count: number) {
  let done = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const one = () => {
    done += 1;
    if (done === count) finish();
  };
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  let close: () => Promise<unknown>;
  if (SIDE === 'raw') {
    const worker = new Worker('default', () => Promise.resolve(one()), {
      connection,
      prefix,
      concurrency: CONCURRENCY,
    });
    close = () => worker.close();
  } else {
    const pool = createWorkerPool({
      registry,
      redis: connection,
      keys: createKeyspace(prefix),
      logger: pino({ level: 'info' }, { write: () => undefined }),
      concurrency: CONCURRENCY,
      queues: ['default'],
      processors: {
        TEST_JOB: () => (one(), Promise.resolve({ echoed: '' })),
        'sms.send': () => Promise.resolve({ providerMessageId: 'x' }),
        'email.digest': () => Promise.resolve({ messageId: 'x', itemCount: 0 }),
        'feed.sync': () =>
          Promise.resolve({ feeds: 0, items: 0, added: 0, newest: null }),
        'content.generate': () => Promise.reject(new Error('not benchmarked')),
      },
    });
    close = () => pool.close();
  }
  await finished;
  // Let the last finishes (ledger, BullMQ's moves) reach Redis.
  await new Promise((r) => setTimeout(r, 50));
  await close();
  connection.disconnect();
}

const server = await startRedisServer();
const redis = new Redis(server.url);
await fill(redis, 'warm', WARMUP);
await drain(server.url, 'warm', WARMUP);
await fill(redis, 'cost', N);
// PROFILE=file.cpuprofile: a CPU profile of the measured drain alone.
const session = process.env.PROFILE ? new Session() : null;
session?.connect();
await session?.post('Profiler.enable');
await session?.post('Profiler.start');
const stats0 = await redis.info('commandstats');
const before = await redisInfo(redis);
const cpu = process.cpuUsage();
const t0 = performance.now();
await drain(server.url, 'cost', N);
const seconds = (performance.now() - t0) / 1_000;
const used = process.cpuUsage(cpu);
const after = await redisInfo(redis);
if (session) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(process.env.PROFILE ?? '', JSON.stringify(profile));
}
console.log(
  `${SIDE}: node ${((used.user + used.system) / N).toFixed(1)} µs/job, redis ${((after.cpu - before.cpu) / N).toFixed(1)} µs/job, ${((after.cmds - before.cmds) / N).toFixed(2)} commands/job, ${Math.round(N / seconds)} jobs/s`,
);
// STATS=1: which commands the drain sent, per job (calls by name).
if (process.env.STATS) {
  const calls = (s: string) =>
    new Map(
      [...s.matchAll(/cmdstat_([^:]+):calls=(\d+)/g)].map((m) => [
        m[1],
        Number(m[2]),
      ]),
    );
  const start = calls(stats0);
  for (const [name, n] of calls(await redis.info('commandstats')))
    console.log(name, ((n - (start.get(name) ?? 0)) / N).toFixed(3));
}
redis.disconnect();
await server.stop();
