import { isConveyorError } from '@conveyor/client';
import { checkSchedules, defineRegistry } from '@conveyor/core';
import {
  contentGenerate,
  emailDigest,
  feedSync,
  smsSend,
  testJob,
  type FixtureRegistry,
} from '@conveyor/fixtures';
import { waitFor } from '@conveyor/testkit';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FixtureClient } from './support/fixture-router.ts';
import { startHarness, type Harness } from './support/harness.ts';
import { scriptedProcessors } from './support/scripted-processors.ts';

const redisUrl = inject('redisUrl');
const adminToken = randomBytes(32).toString('base64url');
const FEED = 'c.feed.sync.configured';

const failure = async (call: Promise<unknown>) => {
  const error = await call.catch((e: unknown) => e);
  if (!isConveyorError(error)) throw new Error('expected an API error');
  const { code, reason } = error.data ?? {};
  return { code, reason, message: error.message };
};

const tokenFor = async (
  harness: Harness,
  tenantId: string,
  role: 'viewer' | 'producer',
) =>
  harness.clientWith(
    (await harness.client.tokens.create.mutate({ tenantId, role })).token,
  );

/** The fixture contract's schedule (feed.sync every 15 min), over real HTTP. */
describe('contract schedules, listed beside the tenant’s', () => {
  let harness: Harness;
  let acme: FixtureClient;
  let viewer: FixtureClient;

  beforeAll(async () => {
    harness = await startHarness(redisUrl, { adminToken });
    acme = await tokenFor(harness, 'acme', 'producer');
    viewer = await tokenFor(harness, 'globex', 'viewer');
  });
  afterAll(() => harness.close());

  it('lists the contract’s schedule to every role, marked, never fired before a start reconciles it', async () => {
    await acme.schedules.upsert.mutate({
      name: 'nightly',
      job: 'TEST_JOB',
      data: { message: 'report' },
      cron: '0 3 * * *',
    });
    const listed = await acme.schedules.list.query();
    expect(listed.map((s) => [s.name, s.source])).toEqual([
      [FEED, 'contract'],
      ['nightly', 'runtime'],
    ]);
    const asAdmin = await harness.client.schedules.list.query();
    expect(asAdmin[0]).toMatchObject({
      job: 'feed.sync',
      tenant: 'default',
      everyMs: 15 * 60_000,
      missed: 'skip',
      data: { feeds: 'configured' },
      paused: false,
      createdAt: null,
      lastTick: null,
    });
    expect(listed[1]).toMatchObject({ tenant: 'acme', lastTick: null });
    // Another tenant (a viewer) sees the contract's, not acme's; the default
    // tenant's payload and name are not acme's or globex's to read.
    const seen = await viewer.schedules.list.query();
    expect(seen.map((s) => s.name)).toEqual([FEED]);
    expect(listed[0]).toMatchObject({ tenant: null, data: null });
    expect(seen[0]).toMatchObject({
      tenant: null,
      data: null,
      everyMs: 15 * 60_000,
    });
  });

  it('shows next runs from the engine’s scheduler, and the due first tick to who may read its job', async () => {
    await harness.services.schedules.reconcile();
    const asked = Date.now();
    const view = await acme.schedules.get.query({ name: FEED });
    expect(view.nextRuns).toHaveLength(5);
    const [first, second] = view.nextRuns.map((d) => d.getTime());
    // The tick that fired at once is the last tick, not a next run.
    expect(first).toBeGreaterThan(asked);
    expect(second! - first!).toBe(15 * 60_000);
    // BullMQ fires an interval at once; with no worker the tick waits. Its
    // job is the default tenant's: the admin (acting for it) reads it, acme
    // sees only when.
    const asAdmin = await harness.client.schedules.get.query({ name: FEED });
    expect(asAdmin.lastTick).toMatchObject({
      jobId: `repeat:${FEED}:${first! - 15 * 60_000}`,
      state: 'waiting',
    });
    expect(view.lastTick).toEqual({
      at: asAdmin.lastTick!.at,
      jobId: null,
      state: null,
    });
  });

  it('refuses every change to a contract schedule with 403 in words, and changes nothing', async () => {
    const before = await harness.client.schedules.get.query({ name: FEED });
    const refusals = [
      () => acme.schedules.pause.mutate({ name: FEED }),
      () => acme.schedules.resume.mutate({ name: FEED }),
      () => acme.schedules.remove.mutate({ name: FEED }),
      () => harness.client.schedules.remove.mutate({ name: FEED }),
      () =>
        acme.schedules.upsert.mutate({
          name: FEED,
          job: 'feed.sync',
          data: { feeds: 'configured' },
          every: '1m',
        }),
    ];
    for (const call of refusals)
      expect(await failure(call())).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'CONTRACT_SCHEDULE',
        message: `Schedule "${FEED}" is declared in the contract (job feed.sync); change it there`,
      });
    expect(
      await failure(acme.schedules.runNow.mutate({ name: FEED })),
    ).toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringMatching(/enqueue feed\.sync to run it now$/),
    });
    expect(
      await failure(acme.schedules.pause.mutate({ name: 'c.feed.sync.other' })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await failure(
        acme.schedules.upsert.mutate({
          name: 'c.feed.sync.other',
          job: 'feed.sync',
          data: { feeds: 'configured' },
          every: '1m',
        }),
      ),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('would name a contract schedule'),
    });
    expect(
      await failure(acme.schedules.get.query({ name: 'c.Feed..x' })),
    ).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await harness.client.schedules.get.query({ name: FEED })).toEqual(
      before,
    );
  });
});

/** A test-only contract: TEST_JOB every second for acme, with a worker running. */
describe('a contract schedule’s last tick, with a worker', () => {
  const pulsing = defineRegistry([
    {
      ...testJob,
      schedules: checkSchedules('TEST_JOB', testJob.input, [
        {
          key: 'pulse',
          every: '1s',
          data: { message: 'pulse' },
          tenant: 'acme',
        },
      ]),
    },
    smsSend,
    emailDigest,
    feedSync,
    contentGenerate,
  ]) as unknown as FixtureRegistry;
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness(redisUrl, {
      adminToken,
      registry: pulsing,
      processors: scriptedProcessors(),
    });
  });
  afterAll(() => harness.close());

  it('is the job a real fire made, readable by the schedule’s tenant only', async () => {
    const acme = await tokenFor(harness, 'acme', 'viewer');
    const globex = await tokenFor(harness, 'globex', 'viewer');
    const pulse = 'c.TEST_JOB.pulse';
    expect((await acme.schedules.get.query({ name: pulse })).lastTick).toBe(
      null,
    );
    await harness.services.schedules.reconcile();
    const completed = await waitFor(
      async () => {
        const { lastTick } = await acme.schedules.get.query({ name: pulse });
        return lastTick?.state === 'completed' ? lastTick : undefined;
      },
      30_000,
      'a completed tick',
    );
    expect(completed.jobId).toBe(`repeat:${pulse}:${completed.at.getTime()}`);
    const job = await acme.jobs.get.query({ id: completed.jobId! });
    expect(job).toMatchObject({ name: 'TEST_JOB', state: 'completed' });
    // Ticks go on; each later one replaces it as the last.
    await waitFor(
      async () => {
        const { lastTick } = await acme.schedules.get.query({ name: pulse });
        return lastTick && lastTick.at > completed.at ? true : undefined;
      },
      30_000,
      'a later tick',
    );
    const seen = (await globex.schedules.list.query()).find(
      (s) => s.name === pulse,
    );
    expect(seen).toMatchObject({
      source: 'contract',
      tenant: null,
      data: null,
    });
    expect(seen?.lastTick).toMatchObject({ jobId: null, state: null });
    expect(seen?.lastTick?.at).toBeInstanceOf(Date);
  }, 90_000);
});
