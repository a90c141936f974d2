import {
  checkCompatibility,
  DEFAULT_TENANT,
  formatCompatReport,
} from '@conveyor/core';
import {
  versionedV1Registry,
  versionedV2Registry,
  versionedV2WithoutUpcasterRegistry,
} from '@conveyor/fixtures';
import {
  Cancellation,
  createKeyspace,
  createProducer,
  JobReader,
  parseAttempts,
  readStoredVersions,
  redrive,
} from '@conveyor/queue';
import {
  deletePrefix,
  getFreePort,
  metricSample,
  spawnTsProcess,
  uniquePrefix,
  waitFor,
  type TsProcess,
} from '@conveyor/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, inject, it } from 'vitest';

const redisUrl = inject('redisUrl');
const DAEMON = fileURLToPath(
  new URL('./fixtures/versioned-daemon.ts', import.meta.url),
);
const QUEUE = 'versioned';
// A v2 job a v1 worker takes again and again waits 1, 2, 4 … 30 s between
// tries (either worker may fetch it): generous, for a long unlucky run.
const WAIT_MS = 240_000;
const HANDED_BACK =
  'jobs of notice.send version 2 handed back: this worker knows version 1; deploy workers that know it first';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

type Release = 'v1' | 'v2';
interface Result {
  received: Record<string, unknown>;
  release: Release;
}

function setup() {
  const prefix = uniquePrefix('rolling');
  const keys = createKeyspace(prefix);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const v1 = createProducer({
    registry: versionedV1Registry,
    tenantId: DEFAULT_TENANT,
    redis,
    keys,
  });
  const v2 = createProducer({
    registry: versionedV2Registry,
    tenantId: DEFAULT_TENANT,
    redis,
    keys,
  });
  const queue = new Queue(QUEUE, {
    connection: redis,
    prefix: keys.bullPrefix(QUEUE),
  });
  const reader = new JobReader({
    registry: versionedV2Registry,
    redis,
    keys,
    queue: () => queue,
    cancellation: new Cancellation(redis, keys),
    ledger: v2.ledger,
  });
  const daemons: TsProcess[] = [];
  cleanup.push(async () => {
    await Promise.all(
      daemons.map((d) => {
        if (d.child.exitCode === null && d.child.signalCode === null)
          d.child.kill('SIGKILL');
        return d.exited;
      }),
    );
    await v1.close();
    await v2.close();
    await queue.close();
    redis.disconnect();
    await deletePrefix(redisUrl, prefix);
  });
  const start = async (release: Release) => {
    const port = await getFreePort();
    const daemon = spawnTsProcess(DAEMON, {
      env: {
        ...process.env,
        RELEASE: release,
        REDIS_URL: redisUrl,
        CONVEYOR_PREFIX: prefix,
        LOG_LEVEL: 'info',
        WORKER_HEALTH_PORT: String(port),
      },
    });
    daemons.push(daemon);
    await daemon.waitForLine(
      (l) => l.record?.msg === 'Conveyor worker ready',
      60_000,
    );
    const metrics = async () =>
      (
        await fetch(`http://127.0.0.1:${port}/metrics`, {
          signal: AbortSignal.timeout(5_000),
        })
      ).text();
    return { daemon, metrics };
  };
  const view = async (id: string) => {
    const found = await reader.find(id, DEFAULT_TENANT);
    if (!found) throw new Error(`job ${id} not found`);
    return { found, job: reader.view(found) };
  };
  const settled = (ids: readonly string[], state: 'completed' | 'failed') =>
    waitFor(
      async () => {
        const views = await Promise.all(ids.map(view));
        return views.every((v) => v.job.state === state)
          ? views.map((v) => v.job)
          : undefined;
      },
      WAIT_MS,
      `${ids.length} jobs ${state}`,
    );
  /** What `conveyor compat` reads: every version stored in this Redis. */
  const inventory = () =>
    readStoredVersions({ redis, keys, queues: versionedV2Registry.queues });
  return { queue, reader, v1, v2, start, view, settled, inventory };
}

/** A job's data as the v2 reader shows it: what a v2 processor receives. */
const shown = (job: { data: unknown }) => job.data as Record<string, unknown>;

const handBacksOf = (text: string) =>
  metricSample(text, 'conveyor_version_handbacks_total', {
    queue: QUEUE,
    job: 'notice.send',
    version: '2',
  });

describe('a rolling deploy of a changed input (real daemons, separate processes)', () => {
  it('v1 and v2 workers side by side: every job completes on a worker that knows its version; dead letters redrive on v2', async () => {
    const t = setup();
    const oldWorker = await t.start('v1');

    // Release v1 at work: jobs waiting, delayed, and failing (dead letters).
    const send = (data: Record<string, unknown>, options = {}) =>
      t.v1
        .enqueue({ name: 'notice.send', data: data as never, options })
        .then((r) => r.id);
    const waiting: string[] = [];
    const delayed: string[] = [];
    const failing: string[] = [];
    for (let i = 0; i < 8; i++)
      waiting.push(await send({ to: `w${i}`, body: `waiting ${i}` }));
    for (let i = 0; i < 4; i++)
      delayed.push(
        await send({ to: `d${i}`, body: `delayed ${i}` }, { delay: 3_000 }),
      );
    for (let i = 0; i < 3; i++)
      failing.push(
        await send(
          { to: `f${i}`, body: `failing ${i}`, fail: true },
          { attempts: 2, backoff: { type: 'fixed', delay: 100 } },
        ),
      );
    await t.settled(failing, 'failed');

    // Before the deploy, `conveyor compat`'s check: v2 reads every stored v1
    // job; v2 with its upcaster removed does not, and the report says where.
    const stored = await t.inventory();
    expect(checkCompatibility(versionedV2Registry, stored).ok).toBe(true);
    const broken = checkCompatibility(
      versionedV2WithoutUpcasterRegistry,
      stored,
    );
    expect(broken.ok).toBe(false);
    expect(formatCompatReport(broken)).toMatch(/notice\.send version 1/);

    // The v2 API ships before the v2 workers: its first jobs meet v1 only.
    const sendV2 = (i: number) =>
      t.v2
        .enqueue({
          name: 'notice.send',
          // `fail` would fail on v1: only a v2 worker may run these.
          data: { to: `n${i}`, text: `new ${i}`, fail: true },
        })
        .then((r) => r.id);
    const fresh: string[] = [await sendV2(0), await sendV2(1)];
    await waitFor(
      async () =>
        handBacksOf(await oldWorker.metrics()) >= 2 ? true : undefined,
      WAIT_MS,
      'the v1 worker to hand the v2 jobs back',
    );
    const newWorker = await t.start('v2');
    for (let i = 2; i < 12; i++) fresh.push(await sendV2(i));

    const oldJobs = await t.settled([...waiting, ...delayed], 'completed');
    // v1 keeps taking v2 jobs and handing them back (each up to 30 s later)
    // while it runs; a rolling deploy ends by retiring it, which bounds how
    // long the v2 jobs can wait on a loaded machine.
    const handBacks = handBacksOf(await oldWorker.metrics());
    const warned = oldWorker.daemon.lines.filter(
      (l) => l.record?.msg === HANDED_BACK,
    );
    expect(warned).toHaveLength(1);
    oldWorker.daemon.child.kill('SIGTERM');
    expect(await oldWorker.daemon.exited).toBe(0);
    const newJobs = await t.settled(fresh, 'completed');
    const byRelease = { v1: 0, v2: 0 };
    for (const job of oldJobs) {
      const result = job.result as Result;
      byRelease[result.release] += 1;
      // jobs.get shows the payload as a v2 processor receives it, upcast.
      expect(job.payloadVersion).toEqual({ stored: 1, current: 2 });
      const { to, text } = shown(job);
      expect(text).toMatch(/^(waiting|delayed) /);
      expect(result.received).toEqual(
        result.release === 'v2'
          ? { to, text, locale: 'en' }
          : { to, body: text },
      );
    }
    for (const job of newJobs) {
      const result = job.result as Result;
      expect(result.release).toBe('v2');
      expect(result.received).toEqual({ ...job.data, locale: 'en' });
      expect(job.attemptsMade).toBe(1);
      expect(job.failedReason).toBeNull();
      const { logs } = await t.queue.getJobLogs(job.id);
      expect(parseAttempts(logs)).toEqual([]);
    }

    // Release v1 retired; its dead letters run again, on v2, upcast.
    for (const id of failing)
      await redrive(t.reader, (await t.view(id)).found, DEFAULT_TENANT);
    const redriven = await t.settled(failing, 'completed');
    for (const job of redriven) {
      expect(shown(job)).toMatchObject({ locale: 'en', fail: true });
      expect(job.result).toEqual({ received: shown(job), release: 'v2' });
    }
    expect(await t.queue.getFailedCount()).toBe(0);
    expect(handBacksOf(await newWorker.metrics())).toBe(0);

    console.log(
      `rolling deploy: v1 jobs ${oldJobs.length + failing.length} (waiting ${waiting.length}, delayed ${delayed.length}, dead letters ${failing.length}), ` +
        `v2 jobs ${fresh.length}; completed ${oldJobs.length + newJobs.length + redriven.length} ` +
        `(v1 jobs on v1 ${byRelease.v1}, on v2 ${byRelease.v2}; v2 jobs on v2 ${newJobs.length}; dead letters redriven on v2 ${redriven.length}); ` +
        `failed for good 0 (v1 dead letters before redrive ${failing.length}, v2 jobs failed 0); handed back by v1 ${handBacks}`,
    );
  }, 420_000);
});
