import { HistoryStore } from '@conveyor/history';
import { waitFor } from '@conveyor/testkit';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  byMessage,
  failure,
  finished,
  jobsIn,
} from './support/bulk-helpers.ts';
import type { FixtureClient } from './support/fixture-router.ts';
import { startHarness, type Harness } from './support/harness.ts';
import {
  startHistoryHarness,
  type HistoryHarness,
} from './support/history-harness.ts';

const redisUrl = inject('redisUrl');
const postgresUrl = inject('postgresUrl');
const adminToken = randomBytes(32).toString('base64url');
const DAY_MS = 24 * 60 * 60 * 1_000;

describe('bulk actions: roles, forged filters, cancel, resuming', () => {
  let harness: Harness;
  let rig: HistoryHarness;
  let acme: FixtureClient;
  let viewer: FixtureClient;
  let smsOnly: FixtureClient;

  beforeAll(async () => {
    rig = await startHistoryHarness({ redisUrl, postgresUrl }, adminToken);
    harness = rig.harness;
    acme = (await rig.clientFor('acme')).client;
    viewer = (await rig.clientFor('acme', 'viewer')).client;
    smsOnly = (await rig.clientFor('acme', 'producer', ['sms.send'])).client;
  });
  afterAll(() => rig.close());

  it('refuses a viewer and a token scoped to other jobs; a viewer still follows operations', async () => {
    const message = `always-fail:${randomUUID()}`;
    const ids = await jobsIn(acme, message, 1, 'failed');
    const filter = byMessage(message);
    const listedBy = new Date();
    for (const client of [viewer, smsOnly])
      expect(
        await failure(
          client.bulk.start.mutate({ action: 'retry', filter, listedBy }),
        ),
      ).toMatchObject({ code: 'FORBIDDEN' });
    expect(
      await failure(viewer.bulk.preview.query({ action: 'retry', filter })),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(
      await failure(
        smsOnly.bulk.preview.query({ action: 'retry', filter: {} }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN', reason: 'FORBIDDEN' });
    expect((await viewer.bulk.list.query({})).items).toEqual([]);
    for (const id of ids)
      expect((await acme.history.get.query({ id })).job.attempts).toBe(1);
  });

  it('answers a forged filter with a 400 that starts nothing and touches no job', async () => {
    const message = `always-fail:${randomUUID()}`;
    const [id = ''] = await jobsIn(acme, message, 1, 'failed');
    const listedBy = new Date();
    const now = Date.now();
    const forged = [
      { name: 'TEST_JOB', where: { 'data.nope': { eq: 'x' } } },
      { where: { 'data.message': { eq: message } } },
      { from: new Date(now - 100 * DAY_MS), to: new Date(now) },
      { ...byMessage(message), state: 'completed' },
    ];
    for (const filter of forged) {
      const start = acme.bulk.start.mutate({
        action: 'retry',
        // Forged on purpose: what an untyped client could send.
        filter: filter as never,
        listedBy,
      });
      expect(await failure(start)).toEqual({
        code: 'BAD_REQUEST',
        reason: 'INVALID_SEARCH_FILTER',
      });
    }
    const future = acme.bulk.start.mutate({
      action: 'retry',
      filter: byMessage(message),
      listedBy: new Date(now + DAY_MS),
    });
    expect(await failure(future)).toMatchObject({ code: 'BAD_REQUEST' });
    expect((await acme.bulk.list.query({})).items).toEqual([]);
    expect((await acme.history.get.query({ id })).job.attempts).toBe(1);
  });

  it('cancels waiting and active jobs that match', async () => {
    const message = `slow:${60_000 + Math.floor(Math.random() * 1_000)}`;
    const ids: string[] = [];
    for (let i = 0; i < 2; i += 1)
      ids.push(
        (
          await acme.enqueue.mutate({
            name: 'TEST_JOB',
            data: { message },
            options: { attempts: 1 },
          })
        ).id,
      );
    const filter = byMessage(message);
    const preview = await waitFor(
      async () => {
        const p = await acme.bulk.preview.query({ action: 'cancel', filter });
        return p.count === 2 ? p : undefined;
      },
      30_000,
      'both slow jobs in history',
    );
    const op = await acme.bulk.start.mutate({
      action: 'cancel',
      filter,
      listedBy: preview.listedBy,
    });
    expect(await finished(acme, op.id)).toMatchObject({ done: 2 });
    for (const id of ids)
      await waitFor(
        async () =>
          (await acme.history.get.query({ id })).job.state === 'cancelled'
            ? true
            : undefined,
        30_000,
        `job ${id} cancelled`,
      );
  });

  it('resumes an operation whose runner stopped (its lease ran out) from where it stopped', async () => {
    const message = `always-fail:${randomUUID()}`;
    const ids = await jobsIn(acme, message, 2, 'failed');
    const history = harness.history;
    if (!history) throw new Error('history is on in this harness');
    // As an API that crashed right after starting it would have left it.
    const { record } = await new HistoryStore(history.db).bulkActions.create({
      id: randomUUID(),
      tenant: 'acme',
      key: null,
      actor: 'token:crashed-api',
      role: 'producer',
      scope: null,
      action: 'retry',
      filter: byMessage(message),
      listedBy: new Date(),
      previewed: 2,
      previewedCapped: false,
      createdAt: new Date(),
      leaseMs: -1_000,
    });
    const done = await finished(acme, record.id);
    expect(done).toMatchObject({ state: 'completed', matched: 2, done: 2 });
    for (const id of ids)
      await waitFor(
        async () => {
          const { job } = await acme.history.get.query({ id });
          return job.attempts === 2 ? true : undefined;
        },
        30_000,
        `job ${id} retried by the resumed operation`,
      );
  });

  it('refuses writes from a runner that no longer holds the lease', async () => {
    const history = harness.history;
    if (!history) throw new Error('history is on in this harness');
    const store = new HistoryStore(history.db).bulkActions;
    // Held for a minute: no API claims it meanwhile.
    const { record } = await store.create({
      id: randomUUID(),
      tenant: 'acme',
      key: null,
      actor: 'token:test',
      role: 'producer',
      scope: null,
      action: 'retry',
      filter: byMessage(`always-fail:${randomUUID()}`),
      listedBy: new Date(),
      previewed: 0,
      previewedCapped: false,
      createdAt: new Date(),
      leaseMs: 60_000,
    });
    expect(record.runner).toMatch(/^[0-9a-f-]{36}$/);
    const page = {
      matched: 7,
      done: 7,
      skipped: 0,
      failed: 0,
      skipReasons: {},
      cursor: null,
      leaseMs: 60_000,
    };
    const stale = { id: record.id, runner: randomUUID() };
    expect(await store.progress(stale, page)).toBe(false);
    expect(await store.renew(stale, 60_000)).toBe(false);
    expect(await store.finish(stale, 'completed')).toBe(false);
    await store.release(stale);
    expect(await store.get(record.id, 'acme')).toMatchObject({
      state: 'running',
      matched: 0,
      done: 0,
      runner: record.runner,
    });

    const holder = { id: record.id, runner: record.runner ?? '' };
    expect(await store.progress(holder, page)).toBe(true);
    expect(await store.finish(holder, 'completed')).toBe(true);
    expect(await store.get(record.id, 'acme')).toMatchObject({
      state: 'completed',
      matched: 7,
      runner: null,
    });
  });
});

describe('bulk actions with history off', () => {
  it('is a clear 501 HISTORY_DISABLED', async () => {
    const harness = await startHarness(redisUrl);
    try {
      expect(
        await failure(
          harness.client.bulk.preview.query({ action: 'retry', filter: {} }),
        ),
      ).toEqual({ code: 'NOT_IMPLEMENTED', reason: 'HISTORY_DISABLED' });
    } finally {
      await harness.close();
    }
  });
});
