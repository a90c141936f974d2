import { defineJob, defineRegistry, DEFAULT_TENANT } from '@conveyor/core';
import { QUEUES } from '@conveyor/fixtures';
import {
  startRedisServer,
  waitFor,
  type RedisServerHandle,
  fillRedisMemory,
  freeRedisMemory,
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
  holdWhileFull,
  isRedisOutOfMemory,
  watchRedisCapacity,
  type WorkerPool,
} from '../src/index.ts';

const step = defineJob({
  name: 'step',
  queue: QUEUES.default,
  input: z.strictObject({ label: z.string() }),
  result: z.strictObject({ label: z.string() }),
});
const testRegistry = defineRegistry([step]);
const keys = createKeyspace('oom');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A private Redis with 8 MB, a producer, a pool whose error lines are counted. */
function setUp(server: RedisServerHandle, closers: (() => unknown)[]) {
  const admin = new Redis(server.url);
  const workerRedis = createRedisClient(server.url, { preset: 'worker' });
  const producerRedis = createRedisClient(server.url, { preset: 'producer' });
  const producer = createProducer({
    registry: testRegistry,
    tenantId: DEFAULT_TENANT,
    redis: producerRedis,
    keys,
  });
  const queue = new Queue(QUEUES.default, {
    connection: admin,
    prefix: keys.bullPrefix(QUEUES.default),
  });
  closers.push(
    () => admin.disconnect(),
    () => workerRedis.disconnect(),
    () => producerRedis.disconnect(),
    () => producer.close(),
    () => queue.close(),
  );
  const errorLines: string[] = [];
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const logger = pino(
    { level: 'error' },
    { write: (l: string) => void errorLines.push(l) },
  );
  const startPool = async (concurrency: number) => {
    const pool = createWorkerPool({
      registry: testRegistry,
      redis: workerRedis,
      keys,
      concurrency,
      logger,
      processors: {
        step: async ({ label }) => {
          if (label === 'held') await held;
          return { label };
        },
      },
    });
    await pool.ready();
    return pool;
  };
  const enqueue = (label: string) =>
    producer.enqueue({ name: 'step', data: { label } });
  const completed = (id: string, what: string) =>
    waitFor(
      async () =>
        (await queue.getJobState(id)) === 'completed' ? true : undefined,
      5_000,
      `${what} to complete`,
    );
  return {
    admin,
    workerRedis,
    queue,
    errorLines,
    startPool,
    enqueue,
    completed,
    release,
  };
}

describe('a worker pool when Redis runs out of memory', () => {
  let server: RedisServerHandle | undefined;
  let pool: WorkerPool | undefined;
  const closers: (() => unknown)[] = [];
  afterEach(async () => {
    await pool?.close(1_000);
    for (const close of closers.splice(0).reverse()) await close();
    await server?.stop();
    pool = undefined;
  });

  it('refuses enqueues, then takes waiting jobs and new ones again without a restart', async () => {
    server = await startRedisServer({ args: ['--maxmemory', '8mb'] });
    const t = setUp(server, closers);
    const waiting = [await t.enqueue('w1'), await t.enqueue('w2')];
    await fillRedisMemory(t.admin);
    const refused = await t.enqueue('refused').catch((e: unknown) => e);
    expect(isRedisOutOfMemory(refused)).toBe(true);
    expect(await t.queue.getJobCounts('waiting')).toEqual({ waiting: 2 });

    // Started while Redis is full: BullMQ's fetch is refused…
    pool = await t.startPool(2);
    await waitFor(
      () => (t.errorLines.length > 0 ? true : undefined),
      2_000,
      'a refusal',
    );
    expect(t.errorLines[0]).toContain('OOM command not allowed');
    expect(await t.queue.getJobState(waiting[0]?.id ?? '')).toBe('waiting');

    // …and BullMQ asks again by itself: once memory is freed, the jobs run.
    await freeRedisMemory(t.admin);
    for (const job of waiting) await t.completed(job.id, job.id);
    const after = await t.enqueue('after');
    await t.completed(after.id, 'a job enqueued after');
  });

  it('finishes a job that was running when Redis filled up, without a restart', async () => {
    server = await startRedisServer({ args: ['--maxmemory', '8mb'] });
    const t = setUp(server, closers);
    pool = await t.startPool(1);
    const running = await t.enqueue('held');
    await waitFor(
      async () =>
        (await t.queue.getJobState(running.id)) === 'active' ? true : undefined,
      5_000,
      'the job to start',
    );
    await fillRedisMemory(t.admin);
    t.release();
    // BullMQ's moveToFinished deletes the lock before it writes, and Redis
    // lets a script that already wrote go past maxmemory rather than stop
    // halfway: the finish goes through even now.
    await t.completed(running.id, 'the running job');
    await freeRedisMemory(t.admin);
    const after = await t.enqueue('after');
    await t.completed(after.id, 'a job enqueued after');
  });

  it('holdWhileFull pauses the refused fetch loop instead of spinning, and resumes it', async () => {
    server = await startRedisServer({ args: ['--maxmemory', '8mb'] });
    const t = setUp(server, closers);
    const waiting = await t.enqueue('w1');
    await fillRedisMemory(t.admin);
    const watch = watchRedisCapacity(t.workerRedis, pino({ level: 'silent' }), {
      intervalMs: 200,
    });
    closers.push(() => watch.stop());
    pool = await t.startPool(2);
    for (const worker of pool.workers)
      worker.on('error', holdWhileFull(worker, watch));
    await sleep(1_000);
    // Unguarded, BullMQ re-runs the refused fetch at once: thousands of
    // errors a second (measured: ~4,000/s). Held, only the first few.
    expect(t.errorLines.length).toBeLessThan(20);
    expect(watch.full).toBe(true);

    await freeRedisMemory(t.admin);
    await t.completed(waiting.id, 'the waiting job');
    // A refusal still in flight when memory came back may reopen the episode
    // for one more check interval; it then ends by itself.
    await waitFor(
      () => (watch.full ? undefined : true),
      5_000,
      'the episode to end',
    );
  });
});
