import {
  defineJob,
  defineRegistry,
  DEFAULT_TENANT,
  QUEUES,
} from '@conveyor/jobs';
import {
  startRedisServer,
  waitFor,
  type RedisServerHandle,
} from '@conveyor/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createKeyspace,
  createProducer,
  createRedisClient,
  createWorkerPool,
  isRedisOutOfMemory,
  type WorkerPool,
} from '../src/index.ts';

const step = defineJob({
  name: 'step',
  queue: QUEUES.default,
  input: z.strictObject({ label: z.string() }),
  result: z.strictObject({ label: z.string() }),
});
const testRegistry = defineRegistry([step]);
const prefix = 'oom';

/**
 * Fills Redis with filler keys until it refuses even a tiny write. Redis
 * counts a command's own arguments before refusing it, so after a big value
 * is refused a smaller one may still fit: fill with smaller and smaller ones.
 */
async function fill(redis: Redis): Promise<void> {
  let i = 0;
  for (const size of [20_000, 1_000, 32]) {
    for (;;) {
      const refused = await redis
        .set(`filler:${i++}`, 'x'.repeat(size))
        .then(() => false)
        .catch((e: unknown) => isRedisOutOfMemory(e));
      if (refused) break;
    }
  }
}

async function freeFiller(redis: Redis): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', 'filler:*', 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

describe('a worker pool when Redis runs out of memory', () => {
  let server: RedisServerHandle | undefined;
  let pool: WorkerPool | undefined;
  const closers: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    await pool?.close(1_000);
    for (const close of closers.splice(0).reverse()) await close();
    await server?.stop();
  });

  it('takes and completes jobs again, without a restart, once memory is freed', async () => {
    server = await startRedisServer({ args: ['--maxmemory', '8mb'] });
    const admin = new Redis(server.url);
    const workerRedis = createRedisClient(server.url, { preset: 'worker' });
    const producerRedis = createRedisClient(server.url, { preset: 'producer' });
    closers.push(() => admin.disconnect(), () => workerRedis.disconnect(), () => producerRedis.disconnect());
    const keys = createKeyspace(prefix);
    const producer = createProducer({ registry: testRegistry, tenantId: DEFAULT_TENANT, redis: producerRedis, keys });
    closers.push(() => producer.close());
    const queue = new Queue(QUEUES.default, { connection: admin, prefix });
    closers.push(() => queue.close());

    const errors: string[] = [];
    const started: string[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    pool = createWorkerPool({
      registry: testRegistry,
      redis: workerRedis,
      keys,
      concurrency: 1,
      lockDuration: 1_000,
      logger: pino({ level: 'error' }, { write: (l: string) => void errors.push(l) }),
      processors: {
        step: async ({ label }) => {
          started.push(label);
          if (label === 'held') await held;
          return { label };
        },
      },
    });
    await pool.ready();
    const state = (id: string) => queue.getJobState(id);

    const before = await producer.enqueue({ name: 'step', data: { label: 'before' } });
    await waitFor(async () => ((await state(before.id)) === 'completed' ? true : undefined), 5_000, 'before');

    const heldJob = await producer.enqueue({ name: 'step', data: { label: 'held' } });
    await waitFor(() => (started.includes('held') ? true : undefined), 5_000, 'held to start');
    const waiting = await producer.enqueue({ name: 'step', data: { label: 'waiting' } });

    await fill(admin);
    const t0 = Date.now();
    const refused = await producer.enqueue({ name: 'step', data: { label: 'refused' } }).catch((e: unknown) => e);
    console.log('refused:', (refused as Error).name, (refused as Error).message, isRedisOutOfMemory(refused));
    release(); // held finishes while Redis refuses writes
    await new Promise((r) => setTimeout(r, 3_000));
    console.log('during OOM: held', await state(heldJob.id), 'waiting', await state(waiting.id), 'errors', errors.length);
    console.log(errors.slice(0, 3).join(''));

    await freeFiller(admin);
    const t1 = Date.now();
    const after = await producer.enqueue({ name: 'step', data: { label: 'after' } });
    for (const [label, id] of [['held', heldJob.id], ['waiting', waiting.id], ['after', after.id]] as const) {
      await waitFor(async () => ((await state(id)) === 'completed' ? true : undefined), 15_000, label);
      console.log(label, 'completed', Date.now() - t1, 'ms after free');
    }
    console.log('started', started, 'errors', errors.length, 't0', t1 - t0);
  });

  it('scenario 2: started during OOM with waiting jobs', async () => {
    server = await startRedisServer({ args: ['--maxmemory', '8mb'] });
    const admin = new Redis(server.url);
    const workerRedis = createRedisClient(server.url, { preset: 'worker' });
    const producerRedis = createRedisClient(server.url, { preset: 'producer' });
    closers.push(() => admin.disconnect(), () => workerRedis.disconnect(), () => producerRedis.disconnect());
    const keys = createKeyspace(prefix);
    const producer = createProducer({ registry: testRegistry, tenantId: DEFAULT_TENANT, redis: producerRedis, keys });
    closers.push(() => producer.close());
    const queue = new Queue(QUEUES.default, { connection: admin, prefix });
    closers.push(() => queue.close());
    const jobs = [];
    for (let i = 0; i < 3; i++) jobs.push(await producer.enqueue({ name: 'step', data: { label: `w${i}` } }));
    await fill(admin);
    const errors: string[] = [];
    pool = createWorkerPool({
      registry: testRegistry, redis: workerRedis, keys, concurrency: 2, lockDuration: 1_000,
      logger: pino({ level: 'error' }, { write: (l: string) => void errors.push(l) }),
      processors: { step: ({ label }) => Promise.resolve({ label }) },
    });
    await pool.ready();
    await new Promise((r) => setTimeout(r, 2_000));
    console.log('S2 during OOM errors', errors.length, await Promise.all(jobs.map((j) => queue.getJobState(j.id))));
    console.log(errors.slice(0, 2).join(''));
    await freeFiller(admin);
    const t1 = Date.now();
    for (const j of jobs) {
      await waitFor(async () => ((await queue.getJobState(j.id)) === 'completed' ? true : undefined), 15_000, j.id);
    }
    console.log('S2 all completed', Date.now() - t1, 'ms after free; errors', errors.length);
  });
});
