import { DEFAULT_TENANT } from '@conveyor/core';
import { fixtureRegistry as registry } from '@conveyor/fixtures';
import {
  createKeyspace,
  createProducer,
  createWorkerPool,
} from '@conveyor/queue';
import {
  connectRedis,
  deletePrefix,
  spawnTsProcess,
  uniquePrefix,
  waitFor,
  type TsProcess,
} from '@conveyor/testkit';
import { Queue } from 'bullmq';
import { pino } from 'pino';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { slowRegistry } from './fixtures/slow-daemon.ts';

const redisUrl = inject('redisUrl');
// A server or a Cluster (the `cluster` project runs this file too).
const producerRedis = connectRedis(redisUrl, { maxRetriesPerRequest: null });
const connection = producerRedis;
afterAll(() => producerRedis.disconnect());
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

describe('worker daemon (separate process)', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  function start(
    entry: string,
    prefix: string,
    extraEnv: Record<string, string> = {},
  ): TsProcess {
    const daemon = spawnTsProcess(here(entry), {
      env: {
        ...process.env,
        REDIS_URL: redisUrl,
        CONVEYOR_PREFIX: prefix,
        LOG_LEVEL: 'info',
        ...extraEnv,
      },
    });
    cleanup.push(() => daemon.stop());
    return daemon;
  }
  const ready = (daemon: TsProcess) =>
    daemon.waitForLine(
      (l) => l.record?.msg === 'Conveyor worker ready',
      60_000,
    );

  it('runWorker runs an app’s catalog: TEST_JOB is logged with its data, and SIGTERM exits 0', async () => {
    const prefix = uniquePrefix('daemon');
    cleanup.push(() => deletePrefix(redisUrl, prefix));
    const daemon = start('fixtures/catalog-daemon.ts', prefix);
    await ready(daemon);
    const producer = createProducer({
      registry,
      tenantId: DEFAULT_TENANT,
      redis: producerRedis,
      keys: createKeyspace(prefix),
    });
    cleanup.push(() => producer.close());

    const { id } = await producer.enqueue({
      name: 'TEST_JOB',
      data: { message: 'hello daemon' },
    });
    const line = await daemon.waitForLine(
      (l) =>
        l.record?.jobId === id && String(l.record.msg).startsWith('TEST_JOB'),
    );
    expect(line.record?.msg).toBe(
      'TEST_JOB processed successfully with data: {"message":"hello daemon"}',
    );

    expect(await daemon.stop()).toBe(0);
  });

  it('SIGTERM during an active job lets it complete, then exits 0', async () => {
    const prefix = uniquePrefix('shutdown');
    cleanup.push(() => deletePrefix(redisUrl, prefix));
    const daemon = start('fixtures/slow-daemon.ts', prefix, {
      WORKER_SHUTDOWN_GRACE_MS: '15000',
    });
    await ready(daemon);
    const producer = createProducer({
      registry: slowRegistry,
      tenantId: DEFAULT_TENANT,
      redis: producerRedis,
      keys: createKeyspace(prefix),
    });
    cleanup.push(() => producer.close());

    const { id } = await producer.enqueue({
      name: 'slow',
      data: { ms: 1_500 },
    });
    await daemon.waitForLine(
      (l) => l.record?.jobId === id && l.record.msg === 'slow job started',
    );
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);

    const queue = new Queue('default', {
      connection,
      prefix: createKeyspace(prefix).bullPrefix('default'),
    });
    cleanup.push(() => queue.close());
    const job = await queue.getJob(id);
    expect(await job?.getState()).toBe('completed');
    expect(job?.returnvalue).toEqual({
      v: 1,
      payload: { json: { sleptMs: 1_500 } },
    });
    expect(daemon.lines.some((l) => l.record?.msg === 'worker stopped')).toBe(
      true,
    );
  });

  it('Ctrl-C with a relayed SIGTERM on top (yarn start) still finishes the job', async () => {
    const prefix = uniquePrefix('ctrlc');
    cleanup.push(() => deletePrefix(redisUrl, prefix));
    const daemon = start('fixtures/slow-daemon.ts', prefix);
    await ready(daemon);
    const producer = createProducer({
      registry: slowRegistry,
      tenantId: DEFAULT_TENANT,
      redis: producerRedis,
      keys: createKeyspace(prefix),
    });
    cleanup.push(() => producer.close());

    const { id } = await producer.enqueue({
      name: 'slow',
      data: { ms: 1_000 },
    });
    await daemon.waitForLine(
      (l) => l.record?.jobId === id && l.record.msg === 'slow job started',
    );
    daemon.child.kill('SIGINT');
    // The supervisor relays its SIGTERM after handling its own SIGINT, i.e. later.
    await daemon.waitForLine((l) =>
      String(l.record?.msg).startsWith('shutting down'),
    );
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
    const queue = new Queue('default', {
      connection,
      prefix: createKeyspace(prefix).bullPrefix('default'),
    });
    cleanup.push(() => queue.close());
    expect(await (await queue.getJob(id))?.getState()).toBe('completed');
  });

  it('a job still running at the grace deadline is left for stalled recovery, then runs again elsewhere', async () => {
    const prefix = uniquePrefix('grace');
    cleanup.push(() => deletePrefix(redisUrl, prefix));
    const daemon = start('fixtures/slow-daemon.ts', prefix, {
      WORKER_SHUTDOWN_GRACE_MS: '200',
      WORKER_LOCK_DURATION_MS: '1000',
    });
    await ready(daemon);
    const producer = createProducer({
      registry: slowRegistry,
      tenantId: DEFAULT_TENANT,
      redis: producerRedis,
      keys: createKeyspace(prefix),
    });
    cleanup.push(() => producer.close());

    const { id } = await producer.enqueue({
      name: 'slow',
      data: { ms: 60_000 },
    });
    await daemon.waitForLine(
      (l) => l.record?.jobId === id && l.record.msg === 'slow job started',
    );
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
    const report = daemon.lines.find((l) =>
      String(l.record?.msg).startsWith('grace period over'),
    );
    expect(report?.record?.jobIds).toEqual([id]);

    const queue = new Queue('default', {
      connection,
      prefix: createKeyspace(prefix).bullPrefix('default'),
    });
    cleanup.push(() => queue.close());
    expect(await (await queue.getJob(id))?.getState()).toBe('active'); // not failed, not lost

    // A second worker picks it up once the dead worker's lock lapses.
    const rerun: string[] = [];
    const pool = createWorkerPool({
      registry: slowRegistry,
      redis: producerRedis,
      keys: createKeyspace(prefix),
      logger: pino({ level: 'silent' }),
      stalledInterval: 300,
      processors: {
        slow: ({ ms }, { jobId }) => {
          rerun.push(jobId);
          return Promise.resolve({ sleptMs: ms === 60_000 ? 0 : ms });
        },
      },
    });
    cleanup.push(() => pool.close());
    await waitFor(
      async () =>
        (await (await queue.getJob(id))?.getState()) === 'completed'
          ? true
          : undefined,
      10_000,
    );
    expect(rerun).toEqual([id]);
  });
});
