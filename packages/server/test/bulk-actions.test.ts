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
import type { Harness } from './support/harness.ts';
import {
  startHistoryHarness,
  type HistoryHarness,
} from './support/history-harness.ts';

const redisUrl = inject('redisUrl');
const postgresUrl = inject('postgresUrl');
const adminToken = randomBytes(32).toString('base64url');

describe('bulk actions by search filter (real Redis, PostgreSQL, worker)', () => {
  let harness: Harness;
  let rig: HistoryHarness;
  let acme: FixtureClient;
  let globex: FixtureClient;
  let adminForAcme: FixtureClient;

  beforeAll(async () => {
    rig = await startHistoryHarness({ redisUrl, postgresUrl }, adminToken);
    harness = rig.harness;
    acme = (await rig.clientFor('acme')).client;
    globex = (await rig.clientFor('globex')).client;
    adminForAcme = harness.clientWith(adminToken, 'acme');
  });
  afterAll(() => rig.close());

  it('retries what the preview counted, all of it, and only jobs listed by then', async () => {
    const message = `always-fail:${randomUUID()}`;
    const other = `always-fail:${randomUUID()}`;
    const ids = await jobsIn(acme, message, 3, 'failed');
    const untouched = await jobsIn(acme, other, 2, 'failed');
    const filter = byMessage(message);

    const preview = await acme.bulk.preview.query({ action: 'retry', filter });
    expect(preview).toMatchObject({ action: 'retry', count: 3, capped: false });
    expect(preview.sample.map((j) => j.id).sort()).toEqual([...ids].sort());
    // Enqueued after the preview: it matches the filter, but was not listed.
    const [late = ''] = await jobsIn(acme, message, 1, 'failed', 4);

    const op = await acme.bulk.start.mutate({
      action: 'retry',
      filter,
      listedBy: preview.listedBy,
    });
    expect(op).toMatchObject({ action: 'retry', tenant: 'acme', previewed: 3 });
    const done = await finished(acme, op.id);
    expect(done).toMatchObject({
      state: 'completed',
      matched: 3,
      done: 3,
      skipped: 0,
      failed: 0,
    });
    expect(done.actor).toMatch(/^token:/);
    expect(done.finishedAt).toBeInstanceOf(Date);

    // Each ran again (a second run, failing again) and was recorded as rerun.
    for (const id of ids) {
      const rerun = await waitFor(
        async () => {
          const { job } = await acme.history.get.query({ id });
          return job.attempts === 2 && job.state === 'failed' ? job : undefined;
        },
        30_000,
        `job ${id} retried`,
      );
      // The rerun's own run: not one past it (which no transition would end).
      expect(rerun.run).toBe(1);
    }
    // By now the walk is over (matched 3): a retry of these would have
    // moved them out of failed, and no other operation was started.
    for (const id of [late, ...untouched])
      expect((await acme.history.get.query({ id })).job).toMatchObject({
        attempts: 1,
        state: 'failed',
      });
    const mine = await acme.bulk.list.query({ limit: 100 });
    const at = preview.listedBy.getTime();
    expect(
      mine.items.filter((o) => o.listedBy.getTime() === at).map((o) => o.id),
    ).toEqual([op.id]);

    const listed = await acme.bulk.list.query({});
    expect(listed.items.map((o) => o.id)).toContain(op.id);
  });

  it('starts one operation per key', async () => {
    const message = `always-fail:${randomUUID()}`;
    await jobsIn(acme, message, 2, 'failed');
    const filter = byMessage(message);
    const preview = await acme.bulk.preview.query({
      action: 'redrive',
      filter,
    });
    const input = {
      action: 'redrive' as const,
      filter,
      listedBy: preview.listedBy,
      key: `redrive-${randomUUID()}`,
    };
    const first = await acme.bulk.start.mutate(input);
    const again = await acme.bulk.start.mutate(input);
    expect(again.id).toBe(first.id);
    expect(await finished(acme, first.id)).toMatchObject({ done: 2 });
    const third = await acme.bulk.start.mutate(input);
    expect(third.id).toBe(first.id);
    const all = await acme.bulk.list.query({ limit: 100 });
    expect(all.items.filter((o) => o.key === input.key)).toHaveLength(1);

    // The same key asking for something else is refused, not answered with the first.
    const conflict = {
      code: 'UNPROCESSABLE_CONTENT',
      reason: 'IDEMPOTENCY_CONFLICT',
    };
    const otherFilter = byMessage(`always-fail:${randomUUID()}`);
    const earlier = new Date(preview.listedBy.getTime() - 1_000);
    for (const changed of [
      { ...input, action: 'retry' as const },
      { ...input, filter: otherFilter },
      { ...input, listedBy: earlier },
    ])
      expect(await failure(acme.bulk.start.mutate(changed))).toEqual(conflict);
  });

  it("tolerates another replica's clock a few seconds ahead, not more", async () => {
    const filter = byMessage(`always-fail:${randomUUID()}`);
    const ahead = (ms: number) => new Date(Date.now() + ms);
    const op = await acme.bulk.start.mutate({
      action: 'retry',
      filter,
      listedBy: ahead(2_000),
    });
    const done = await finished(acme, op.id);
    expect(done).toMatchObject({ state: 'completed', matched: 0 });
    // Clamped to the server's now: nothing listed after it is acted on.
    expect(done.listedBy.getTime()).toBeLessThanOrEqual(
      done.createdAt.getTime(),
    );
    expect(
      await failure(
        acme.bulk.start.mutate({
          action: 'retry',
          filter,
          listedBy: ahead(60_000),
        }),
      ),
    ).toEqual({ code: 'BAD_REQUEST', reason: 'INVALID_SEARCH_FILTER' });
  });

  it("isolates tenants: another tenant's preview, start, get and list never see acme's jobs; an admin acting for acme does", async () => {
    const message = `always-fail:${randomUUID()}`;
    const ids = await jobsIn(acme, message, 2, 'failed');
    const filter = byMessage(message);

    const theirs = await globex.bulk.preview.query({ action: 'retry', filter });
    expect(theirs).toMatchObject({ count: 0, sample: [] });
    const globexOp = await globex.bulk.start.mutate({
      action: 'retry',
      filter,
      listedBy: theirs.listedBy,
    });
    expect(await finished(globex, globexOp.id)).toMatchObject({
      state: 'completed',
      matched: 0,
      done: 0,
    });
    for (const id of ids)
      expect((await acme.history.get.query({ id })).job.attempts).toBe(1);

    const forAcme = await adminForAcme.bulk.preview.query({
      action: 'retry',
      filter,
    });
    expect(forAcme.count).toBe(2);
    const acmeOp = await adminForAcme.bulk.start.mutate({
      action: 'retry',
      filter,
      listedBy: forAcme.listedBy,
    });
    expect(acmeOp).toMatchObject({ tenant: 'acme', role: 'admin' });
    expect(await finished(acme, acmeOp.id)).toMatchObject({ done: 2 });

    expect(await failure(globex.bulk.get.query({ id: acmeOp.id }))).toEqual({
      code: 'NOT_FOUND',
      reason: 'BULK_ACTION_NOT_FOUND',
    });
    const globexList = await globex.bulk.list.query({ limit: 100 });
    expect(globexList.items.map((o) => o.id)).toEqual([globexOp.id]);
    expect(globexList.items.every((o) => o.tenant === 'globex')).toBe(true);
  });

  it('deletes matching finished rows from history only, and needs an admin', async () => {
    const gone = `ok:${randomUUID()}`;
    const kept = `ok:${randomUUID()}`;
    const goneIds = await jobsIn(acme, gone, 2, 'completed');
    const [keptId = ''] = await jobsIn(acme, kept, 1, 'completed');
    const filter = byMessage(gone);
    expect(
      await failure(acme.bulk.preview.query({ action: 'delete', filter })),
    ).toMatchObject({ code: 'FORBIDDEN' });

    const preview = await adminForAcme.bulk.preview.query({
      action: 'delete',
      filter,
    });
    expect(preview.count).toBe(2);
    const op = await adminForAcme.bulk.start.mutate({
      action: 'delete',
      filter,
      listedBy: preview.listedBy,
    });
    expect(await finished(acme, op.id)).toMatchObject({ done: 2, skipped: 0 });
    for (const id of goneIds)
      expect(await failure(acme.history.get.query({ id }))).toMatchObject({
        code: 'NOT_FOUND',
      });
    expect((await acme.history.get.query({ id: keptId })).job.state).toBe(
      'completed',
    );
  });
});
