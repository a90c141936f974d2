import { isConveyorError } from '@conveyor/client';
import type { FixtureRegistry } from '@conveyor/fixtures';
import {
  createKeyspace,
  createRedisClient,
  type ProcessorMap,
} from '@conveyor/queue';
import { waitFor } from '@conveyor/testkit';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { scriptedProcessors } from './support/scripted-processors.ts';
import { startHarness, type Harness } from './support/harness.ts';
import type { FixtureClient } from './support/fixture-router.ts';

const redisUrl = inject('redisUrl');
const adminToken = randomBytes(32).toString('base64url');
/** Phrases of cron-parser's own errors, none of which may reach a caller. */
const CRON_PARSER_PHRASES =
  /constraint error|validation error|invalid characters|invalid cron expression|invalid range|invalid step|invalid explicit|cannot resolve alias|expected range|cannot repeat|too many fields|dayOfWeek|dayOfMonth/i;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const failure = async (call: Promise<unknown>) => {
  const error = await call.catch((e: unknown) => e);
  if (!isConveyorError(error)) throw new Error('expected an API error');
  return { code: error.data?.code, reason: error.data?.reason };
};

/** The tenant's own: every caller's list starts with the contract's. */
const runtimeOnes = async (client: FixtureClient) =>
  (await client.schedules.list.query()).filter((s) => s.source === 'runtime');

/** Runtime schedules through the real HTTP client, two tenants side by side. */
describe('tenant schedules', () => {
  let harness: Harness;
  let acme: FixtureClient;
  let globex: FixtureClient;
  const runs: { message: string; tenantId: string; jobId: string }[] = [];
  const processors: ProcessorMap<FixtureRegistry> = {
    ...scriptedProcessors(),
    TEST_JOB: (payload, context) => {
      runs.push({
        message: payload.message,
        tenantId: context.tenantId,
        jobId: context.jobId,
      });
      return Promise.resolve({ echoed: payload.message });
    },
  };
  const producer = async (tenantId: string, jobs?: ['sms.send']) =>
    harness.clientWith(
      (
        await harness.client.tokens.create.mutate({
          tenantId,
          role: 'producer',
          ...(jobs ? { jobs } : {}),
        })
      ).token,
    );

  beforeAll(async () => {
    harness = await startHarness(redisUrl, { adminToken, processors });
    acme = await producer('acme');
    globex = await producer('globex');
  });
  afterAll(() => harness.close());

  it('upsert, get with next runs, list: the tenant’s own only', async () => {
    const view = await acme.schedules.upsert.mutate({
      name: 'nightly',
      job: 'TEST_JOB',
      data: { message: 'report' },
      cron: '0 3 * * *',
      tz: 'Europe/Paris',
    });
    expect(view).toMatchObject({
      name: 'nightly',
      job: 'TEST_JOB',
      cron: '0 3 * * *',
      tz: 'Europe/Paris',
      paused: false,
      missed: 'run-once',
      data: { message: 'report' },
    });
    const got = await acme.schedules.get.query({ name: 'nightly' });
    expect(got.nextRuns).toHaveLength(5);
    // 03:00 in Paris is 01:00 or 02:00 UTC, one day apart.
    for (const run of got.nextRuns) expect([1, 2]).toContain(run.getUTCHours());
    expect(got.nextRuns[0]!.getTime()).toBeGreaterThan(Date.now());
    expect(
      got.nextRuns[1]!.getTime() - got.nextRuns[0]!.getTime(),
    ).toBeGreaterThanOrEqual(23 * 3_600_000);
    expect((await acme.schedules.list.query()).map((s) => s.name)).toContain(
      'nightly',
    );
    expect(await runtimeOnes(globex)).toEqual([]);
    for (const call of [
      globex.schedules.get.query({ name: 'nightly' }),
      globex.schedules.pause.mutate({ name: 'nightly' }),
      globex.schedules.runNow.mutate({ name: 'nightly' }),
      globex.schedules.remove.mutate({ name: 'nightly' }),
    ])
      expect(await failure(call)).toMatchObject({ code: 'NOT_FOUND' });
    expect((await acme.schedules.get.query({ name: 'nightly' })).paused).toBe(
      false,
    );
  });

  it('an interval schedule fires its tenant’s jobs; pause stops it, resume restarts it', async () => {
    await acme.schedules.upsert.mutate({
      name: 'pulse',
      job: 'TEST_JOB',
      data: { message: 'pulse' },
      every: '1s',
    });
    const pulses = () =>
      runs.filter((r) => r.message === 'pulse' && r.tenantId === 'acme');
    await waitFor(() => pulses().length >= 2 || undefined, 5_000, '2 pulses');
    const [first] = pulses();
    expect(first?.jobId).toMatch(/^repeat:t\.acme\.pulse:\d+$/);
    // The fired job is acme's: listed and readable by acme, not by globex.
    const job = await acme.jobs.get.query({ id: first!.jobId });
    expect(job).toMatchObject({ state: 'completed', name: 'TEST_JOB' });
    const listed = await acme.jobs.list.query({ limit: 100 });
    expect(listed.items.map((j) => j.id)).toContain(first!.jobId);
    expect(
      await failure(globex.jobs.get.query({ id: first!.jobId })),
    ).toMatchObject({ code: 'NOT_FOUND' });

    const paused = await acme.schedules.pause.mutate({ name: 'pulse' });
    expect(paused).toMatchObject({ paused: true, nextRuns: [] });
    await sleep(1_000); // a run already fetched may still finish
    const atPause = pulses().length;
    await sleep(2_200);
    expect(pulses().length).toBe(atPause);
    expect(
      (await acme.schedules.list.query()).find((s) => s.name === 'pulse'),
    ).toMatchObject({ paused: true });

    const resumed = await acme.schedules.resume.mutate({ name: 'pulse' });
    expect(resumed.paused).toBe(false);
    expect(resumed.nextRuns).toHaveLength(5);
    await waitFor(
      () => pulses().length > atPause || undefined,
      5_000,
      'a pulse after resume',
    );
    await acme.schedules.remove.mutate({ name: 'pulse' });
    expect(
      await failure(acme.schedules.get.query({ name: 'pulse' })),
    ).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('runNow enqueues one run like any job', async () => {
    await acme.schedules.upsert.mutate({
      name: 'manual',
      job: 'TEST_JOB',
      data: { message: 'by hand' },
      cron: '0 0 1 1 *',
    });
    const { id } = await acme.schedules.runNow.mutate({ name: 'manual' });
    await waitFor(
      () => runs.find((r) => r.jobId === id),
      5_000,
      'the run-now job',
    );
    expect(runs.find((r) => r.jobId === id)).toMatchObject({
      message: 'by hand',
      tenantId: 'acme',
    });
  });

  it('refuses bad schedules with a 400 and stores nothing', async () => {
    const base = { name: 'bad', job: 'TEST_JOB' as const };
    const bad = [
      { ...base, data: { message: 5 }, every: '1m' },
      { ...base, data: { message: 'x' }, cron: 'not a cron' },
      { ...base, data: { message: 'x' }, cron: '99 * * * *' },
      { ...base, data: { message: 'x' }, cron: '* * * * *', tz: 'Mars/Base' },
      { ...base, data: { message: 'x' }, cron: '* * * * *', every: '1m' },
      { ...base, data: { message: 'x' }, every: '10ms' },
      { ...base, data: { message: 'x' } },
      { ...base, name: 'Bad Name', data: { message: 'x' }, every: '1m' },
    ];
    for (const input of bad)
      expect(
        await failure(acme.schedules.upsert.mutate(input as never)),
        JSON.stringify(input),
      ).toMatchObject({ code: 'BAD_REQUEST' });
    expect(
      (await acme.schedules.list.query()).map((s) => s.name),
    ).not.toContain('bad');
  });

  it('explains a bad cron pattern in its own words: a 400 that names no library and stores nothing', async () => {
    const patterns = [
      '99 * * * *',
      '0 0 * * * 8',
      '*/0 * * * *',
      '5-1 * * * *',
      '* * * FOO *',
      '0 0 30 2 *',
      '* * * * * * *',
      'a b c d e',
    ];
    for (const cron of patterns) {
      const error = await acme.schedules.upsert
        .mutate({
          name: 'bad-cron',
          job: 'TEST_JOB',
          data: { message: 'x' },
          cron,
        })
        .catch((e: unknown) => e);
      if (!isConveyorError(error)) throw new Error('expected an API error');
      expect(error.data?.httpStatus, cron).toBe(400);
      expect(error.message, cron).toMatch(/cron pattern/);
      expect(error.message, cron).not.toMatch(CRON_PARSER_PHRASES);
    }
    expect(
      (await acme.schedules.list.query()).map((s) => s.name),
    ).not.toContain('bad-cron');
  });

  it('counts against the tenant’s schedule limit; changing one is always allowed', async () => {
    await harness.client.tenants.setLimits.mutate({
      tenantId: 'initech',
      maxUnfinished: null,
      ratePerSecond: null,
      burst: 1_000,
      maxSchedules: 2,
    });
    const initech = await producer('initech');
    const upsert = (name: string, message: string) =>
      initech.schedules.upsert.mutate({
        name,
        job: 'TEST_JOB',
        data: { message },
        cron: '0 0 1 1 *',
      });
    await upsert('one', 'a');
    await upsert('two', 'b');
    expect(await failure(upsert('three', 'c'))).toMatchObject({
      code: 'BAD_REQUEST',
      reason: 'SCHEDULE_LIMIT',
    });
    expect((await upsert('two', 'changed')).data).toEqual({
      message: 'changed',
    });
    expect(await runtimeOnes(initech)).toHaveLength(2);
  });

  it('a token scoped to other jobs may not schedule this one', async () => {
    const smsOnly = await producer('acme', ['sms.send']);
    expect(
      await failure(
        smsOnly.schedules.upsert.mutate({
          name: 'sneaky',
          job: 'TEST_JOB',
          data: { message: 'x' },
          every: '1m',
        }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(
      await failure(smsOnly.schedules.runNow.mutate({ name: 'nightly' })),
    ).toMatchObject({ code: 'FORBIDDEN' });
    // Nor replace another job's schedule by reusing its name.
    expect(
      await failure(
        smsOnly.schedules.upsert.mutate({
          name: 'nightly',
          job: 'sms.send',
          data: { to: '+14155550123', message: 'x' },
          every: '1m',
        }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect((await acme.schedules.get.query({ name: 'nightly' })).job).toBe(
      'TEST_JOB',
    );
  });

  it('repeating an upsert repairs a scheduler lost after its record was written', async () => {
    const spec = {
      name: 'repaired',
      job: 'TEST_JOB',
      data: { message: 'again' },
      cron: '0 0 1 1 *',
    } as const;
    await acme.schedules.upsert.mutate(spec);
    const redis = createRedisClient(redisUrl, { preset: 'worker' });
    const keys = createKeyspace(harness.prefix);
    const scheduler = keys.bull('default', 'repeat:t.acme.repaired');
    try {
      expect(await redis.exists(scheduler)).toBe(1);
      // As if the upsert had failed between its two writes: no scheduler,
      // no pending run.
      const delayed = keys.bull('default', 'delayed');
      const pending = (await redis.zrange(delayed, '0', '-1')).filter((id) =>
        id.startsWith('repeat:t.acme.repaired:'),
      );
      expect(pending).toHaveLength(1);
      await redis.zrem(delayed, ...pending);
      await redis.del(
        scheduler,
        ...pending.map((id) => keys.bull('default', id)),
      );
      await redis.zrem(keys.bull('default', 'repeat'), 't.acme.repaired');
      await acme.schedules.upsert.mutate(spec);
      expect(await redis.hget(scheduler, 'pattern')).toBe('0 0 1 1 *');
    } finally {
      redis.disconnect();
    }
  });

  it('a fired job is admitted like an enqueue: a tenant with no room skips the tick', async () => {
    await harness.client.tenants.setLimits.mutate({
      tenantId: 'full',
      maxUnfinished: 0,
      ratePerSecond: null,
      burst: 1_000,
      maxSchedules: 5,
    });
    const full = await producer('full');
    await full.schedules.upsert.mutate({
      name: 'blocked',
      job: 'TEST_JOB',
      data: { message: 'no room' },
      every: '1s',
    });
    const skipped = await waitFor(
      async () => {
        const page = await full.jobs.list.query({ state: 'cancelled' });
        return page.items[0];
      },
      5_000,
      'a skipped tick',
    );
    expect(skipped.id).toMatch(/^repeat:t\.full\.blocked:/);
    expect(skipped.failedReason).toMatch(/Tick skipped: .*quota/);
    expect(runs.filter((r) => r.tenantId === 'full')).toEqual([]);
    await full.schedules.remove.mutate({ name: 'blocked' });
  });
});
