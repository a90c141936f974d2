import { createProducer } from '@conveyor/jobs';
import {
  deletePrefix,
  spawnTsProcess,
  waitFor,
  type TsProcess,
} from '@conveyor/testkit';
import { Redis } from 'ioredis';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
// The worker's test fixture: a daemon whose only job sleeps. It runs in its own process here.
import { slowRegistry } from '../../../services/worker/test/fixtures/slow-daemon.ts';
import { startHarness, type Harness } from './harness.ts';

const redisUrl = inject('redisUrl');
const daemonEntry = fileURLToPath(
  new URL(
    '../../../services/worker/test/fixtures/slow-daemon.ts',
    import.meta.url,
  ),
);

describe('cancel an active job running in another process', () => {
  let harness: Harness;
  let daemon: TsProcess;
  let redis: Redis;

  beforeAll(async () => {
    harness = await startHarness(redisUrl); // API only: no worker in this process
    daemon = spawnTsProcess(daemonEntry, {
      env: {
        ...process.env,
        REDIS_URL: redisUrl,
        CONVEYOR_PREFIX: harness.prefix,
        LOG_LEVEL: 'info',
      },
    });
    await daemon.waitForLine(
      (l) => l.record?.msg === 'Conveyor worker ready',
      20_000,
    );
    redis = new Redis(redisUrl);
  });
  afterAll(async () => {
    await daemon.stop();
    redis.disconnect();
    await harness.close();
    await deletePrefix(redisUrl, harness.prefix);
  });

  async function startSlow(ms: number, cancellable: boolean) {
    const producer = createProducer({
      registry: slowRegistry,
      redis,
      prefix: harness.prefix,
    });
    const { id } = await producer.enqueue({
      name: 'slow',
      data: { ms, cancellable },
    });
    await producer.close();
    await daemon.waitForLine(
      (l) => l.record?.jobId === id && l.record.msg === 'slow job started',
    );
    return id;
  }

  const settled = (id: string) =>
    waitFor(
      async () => {
        const job = await harness.client.jobs.get.query({ id });
        return job.state === 'active' ? undefined : job;
      },
      10_000,
      `job ${id} to stop`,
    );

  it('the processor’s signal fires in the worker process and the job ends cancelled, unretried', async () => {
    const id = await startSlow(30_000, true);
    const started = Date.now();
    expect(await harness.client.jobs.cancel.mutate({ id })).toEqual({
      id,
      state: 'cancelling',
    });
    const job = await settled(id);
    expect(Date.now() - started).toBeLessThan(5_000); // far sooner than the 30 s sleep
    expect(job).toMatchObject({
      state: 'cancelled',
      failedReason: 'cancelled by request',
      attemptsMade: 1,
      attempts: 3,
    });
    expect(
      daemon.lines.some(
        (l) => l.record?.jobId === id && l.record.msg === 'slow job aborted',
      ),
    ).toBe(true);
    // Not retried: it stays cancelled.
    await new Promise((r) => setTimeout(r, 300));
    expect((await harness.client.jobs.get.query({ id })).state).toBe(
      'cancelled',
    );
  });

  it('a processor that ignores its signal still ends cancelled when it returns', async () => {
    const id = await startSlow(1_000, false);
    await harness.client.jobs.cancel.mutate({ id });
    expect(await settled(id)).toMatchObject({
      state: 'cancelled',
      result: null,
    });
  });
});
