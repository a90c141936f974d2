import {
  deletePrefix,
  spawnTsProcess,
  waitFor,
  type TsProcess,
} from '@conveyor/testkit';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.ts';

const redisUrl = inject('redisUrl');
const daemonEntry = fileURLToPath(
  new URL('fixtures/slow-worker.ts', import.meta.url),
);

describe('cancel an active job running in another process', () => {
  let harness: Harness;
  let daemon: TsProcess;

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
      60_000,
    );
  });
  afterAll(async () => {
    await daemon.stop();
    await harness.close();
    await deletePrefix(redisUrl, harness.prefix);
  });

  async function startSlow(ms: number, cancellable: boolean) {
    const { id } = await harness.client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: `${cancellable ? 'slow' : 'stubborn'}:${ms}` },
    });
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
      // Well short of the 30 s a job that ignores its signal sleeps.
      20_000,
      `job ${id} to stop`,
    );

  it('the processor’s signal fires in the worker process and the job ends cancelled, unretried', async () => {
    const id = await startSlow(30_000, true);
    expect(await harness.client.jobs.cancel.mutate({ id })).toEqual({
      id,
      state: 'cancelling',
    });
    const job = await settled(id);
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
