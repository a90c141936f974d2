import {
  contractScheduleId,
  defineJob,
  defineRegistry,
  type AnyRegistry,
  type ScheduleSpec,
} from '@conveyor/core';
import { QUEUES } from '@conveyor/fixtures';
import { deletePrefix, uniquePrefix, waitFor } from '@conveyor/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import {
  createKeyspace,
  createWorkerPool,
  type LifecycleEvent,
  type WorkerPool,
} from '@conveyor/queue';
import { firedTickGate, reconcileSchedules } from '../src/index.ts';

const redisUrl = inject('redisUrl');
const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Tick = ScheduleSpec<{ label: string }>;
function registryWith(schedules: readonly Tick[]) {
  const tick = defineJob({
    name: 'tick',
    queue: QUEUES.default,
    input: z.strictObject({ label: z.string() }),
    schedules,
  });
  return defineRegistry([tick]);
}

describe('contract schedules', () => {
  let prefix = '';
  const connections: Redis[] = [];
  const pools: WorkerPool[] = [];
  const connect = () => {
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
    connections.push(redis);
    return redis;
  };
  const reconcile = (registry: AnyRegistry) =>
    reconcileSchedules({
      registry,
      redis: connect(),
      keys: createKeyspace(prefix),
      logger,
    });
  const queue = () => {
    const q = new Queue(QUEUES.default, {
      connection: connect(),
      prefix: createKeyspace(prefix).bullPrefix(QUEUES.default),
    });
    return q;
  };

  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.close()));
    connections.splice(0).forEach((c) => c.disconnect());
    await deletePrefix(redisUrl, prefix);
  });

  /** A worker process's start: reconcile, then a pool on its own connection. */
  async function startWorker(
    registry: ReturnType<typeof registryWith>,
    runs: { jobId: string; label: string; at: number }[],
    events: LifecycleEvent[] = [],
  ) {
    await reconcile(registry);
    const redis = connect();
    const pool = createWorkerPool({
      registry,
      redis,
      keys: createKeyspace(prefix),
      gate: firedTickGate(redis, createKeyspace(prefix), registry.queues),
      logger,
      observers: [{ onEvent: (event) => void events.push(event) }],
      processors: {
        tick: ({ label }, { jobId }) => {
          runs.push({ jobId, label, at: Date.now() });
          return Promise.resolve();
        },
      },
    });
    pools.push(pool);
    await pool.ready();
  }

  it('fires exactly once per tick with three workers starting together', async () => {
    prefix = uniquePrefix('sched-once');
    const registry = registryWith([
      { key: 'every-second', every: '1s', data: { label: 'hello' } },
    ]);
    const runs: { jobId: string; label: string; at: number }[] = [];
    await Promise.all([1, 2, 3].map(() => startWorker(registry, runs)));
    await sleep(6_500);
    const ticks = runs.map((r) => Number(r.jobId.split(':').at(-1)));
    const distinct = new Set(runs.map((r) => r.jobId));
    console.info(
      `schedule ticks fired: ${runs.length}, duplicates: ${runs.length - distinct.size}`,
    );
    expect(runs.length).toBeGreaterThanOrEqual(5);
    expect(distinct.size).toBe(runs.length);
    expect(runs.every((r) => r.label === 'hello')).toBe(true);
    expect(runs[0]?.jobId).toMatch(/^repeat:c\.tick\.every-second:\d+$/);
    const sorted = [...ticks].sort((a, b) => a - b);
    // Never two runs for one interval (a late pickup may push a tick on, so
    // gaps are at least, not exactly, a second).
    sorted
      .slice(1)
      .forEach((t, i) =>
        expect(t - (sorted[i] ?? 0)).toBeGreaterThanOrEqual(1_000),
      );
  });

  it('a changed schedule is updated and a removed one deleted on the next start', async () => {
    prefix = uniquePrefix('sched-reconcile');
    const first = await reconcile(
      registryWith([
        { key: 'a', every: '1m', data: { label: 'a' } },
        {
          key: 'b',
          cron: '0 3 * * *',
          tz: 'Europe/Paris',
          data: { label: 'b' },
        },
      ]),
    );
    expect(first.upserted.sort()).toEqual(['c.tick.a', 'c.tick.b']);
    const again = await reconcile(
      registryWith([{ key: 'a', every: '5m', data: { label: 'a2' } }]),
    );
    expect(again).toEqual({ upserted: ['c.tick.a'], removed: ['c.tick.b'] });
    // Unchanged: nothing to do (an upsert would replace the pending run).
    expect(
      await reconcile(
        registryWith([{ key: 'a', every: '5m', data: { label: 'a2' } }]),
      ),
    ).toEqual({ upserted: [], removed: [] });
    const q = queue();
    const schedulers = await q.getJobSchedulers(0, -1);
    expect(schedulers.map((s) => s.key)).toEqual([
      contractScheduleId('tick', 'a'),
    ]);
    expect(schedulers[0]?.every).toBe(300_000);
    // One pending run for the one schedule: the update replaced the old one.
    const delayed = await q.getJobs(['wait', 'delayed']);
    expect(delayed.map((j) => j.id)).toEqual([
      expect.stringMatching(/^repeat:c\.tick\.a:\d+$/),
    ]);
    expect(
      (delayed[0]?.data as { payload: { json: unknown } }).payload.json,
    ).toEqual({
      label: 'a2',
    });
    await q.close();
  });

  it.each([
    ['skip', 'cancelled', 0],
    ['run-once', 'completed', 1],
  ] as const)(
    'a tick missed while no worker ran: policy %s → %s, and schedule.missed is reported',
    async (missed, state, ranLate) => {
      prefix = uniquePrefix(`sched-missed-${missed}`);
      const registry = registryWith([
        { key: 'late', every: '1s', data: { label: 'late' }, missed },
      ]);
      await reconcile(registry);
      await sleep(2_300); // two ticks pass with nothing running
      const runs: { jobId: string; label: string; at: number }[] = [];
      const events: LifecycleEvent[] = [];
      await startWorker(registry, runs, events);
      const report = await waitFor(
        () => events.find((e) => e.type === 'schedule.missed'),
        5_000,
        'schedule.missed',
      );
      expect(report).toMatchObject({
        scheduleId: 'c.tick.late',
        policy: missed,
        tenantId: 'default',
      });
      const late = report.jobId;
      const q = queue();
      await waitFor(
        async () =>
          (await q.getJobState(late)) === 'failed' ||
          (await q.getJobState(late)) === 'completed' ||
          undefined,
        5_000,
        'the late job to finish',
      );
      expect(runs.filter((r) => r.jobId === late).length).toBe(ranLate);
      const job = await q.getJob(late);
      if (state === 'cancelled')
        expect(job?.failedReason).toMatch(/skipped \(schedule policy: skip\)/);
      else expect(job?.finishedOn).toBeGreaterThan(0);
      // The schedule goes on: the next tick runs on time.
      await waitFor(
        () => runs.find((r) => r.jobId !== late),
        3_000,
        'the next tick',
      );
      await q.close();
    },
  );
});
