import { isConveyorError } from '@conveyor/client';
import { createKeyspace } from '@conveyor/queue';
import { waitFor } from '@conveyor/testkit';
import { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pino } from 'pino';
import {
  createInProcessClient,
  type RunStory,
  type StoryEvent,
} from '../src/index.ts';
import type { Harness } from './support/harness.ts';
import {
  startHistoryHarness,
  type HistoryHarness,
} from './support/history-harness.ts';
import type { FixtureClient } from './support/fixture-router.ts';

const redisUrl = inject('redisUrl');
const postgresUrl = inject('postgresUrl');
const adminToken = randomBytes(32).toString('base64url');

const codeOf = async (call: Promise<unknown>) => {
  const error = await call.catch((e: unknown) => e);
  if (!isConveyorError(error)) throw new Error('expected an API error');
  return error.data?.code;
};

const ofType = <T extends StoryEvent['type']>(story: RunStory, type: T) =>
  story.timeline.filter(
    (e): e is Extract<StoryEvent, { type: T }> => e.type === type,
  );

describe("history.story: a run's whole story (real Redis, PostgreSQL, worker)", () => {
  let harness: Harness;
  let rig: HistoryHarness;
  let acme: FixtureClient;
  let globex: FixtureClient;
  let acmeTokenId: string;
  /** The story once history has the job ended in `state` (the drainer lags). */
  const ended = (client: FixtureClient, id: string, state: string) =>
    waitFor(
      async () => {
        const story = await client.history.story
          .query({ id })
          .catch(() => null);
        return story?.job?.state === state &&
          story.timeline.at(-1)?.type === 'end'
          ? story
          : undefined;
      },
      20_000,
      `story of ${id} ${state}`,
    );

  beforeAll(async () => {
    rig = await startHistoryHarness({ redisUrl, postgresUrl }, adminToken);
    harness = rig.harness;
    const mine = await rig.clientFor('acme');
    acme = mine.client;
    acmeTokenId = mine.tokenId;
    globex = (await rig.clientFor('globex')).client;
  }, 120_000);
  afterAll(() => rig?.close());

  it('fails twice with backoff, then succeeds: who enqueued it, each attempt with error and stack, the waits, the result', async () => {
    const job = await acme.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'fail:2' },
      options: {
        attempts: 3,
        backoff: { type: 'fixed', delay: 300 },
        idempotencyKey: `story-${randomBytes(4).toString('hex')}`,
      },
    });
    const story = await ended(acme, job.id, 'completed');
    expect(story.enqueued).toMatchObject({
      by: `token:${acmeTokenId}`,
      via: 'api',
      delayMs: null,
    });
    expect(story.enqueued.idempotencyKey).toMatch(/^story-/);
    expect(story.timeline[0]).toMatchObject({ type: 'enqueued', via: 'api' });

    const attempts = ofType(story, 'attempt');
    expect(attempts.map((a) => [a.attempt, a.outcome, a.error])).toEqual([
      [1, 'retrying', 'planned failure 1'],
      [2, 'retrying', 'planned failure 2'],
      [3, 'completed', null],
    ]);
    for (const failed of attempts.slice(0, 2)) {
      // The processor's own stack: it names the scripted processor's file.
      expect(failed.stack).toContain('planned failure');
      expect(failed.stack).toContain('scripted-processors');
      expect(failed.worker).toEqual(expect.any(String));
    }
    expect(attempts[2]?.stack).toBeNull();
    for (const a of attempts) expect(a.durationMs).toBeGreaterThanOrEqual(0);

    const waits = ofType(story, 'wait');
    expect(waits[0]).toMatchObject({ kind: 'queued', known: 'derived' });
    const backoffs = waits.filter((w) => w.kind === 'backoff');
    expect(backoffs.map((w) => [w.beforeAttempt, w.known])).toEqual([
      [2, 'derived'],
      [3, 'derived'],
    ]);
    // The backoff asked for is 300 ms: the wait measured is at least that.
    for (const w of backoffs) expect(w.ms).toBeGreaterThanOrEqual(250);

    expect(story.timeline.at(-1)).toMatchObject({
      type: 'end',
      state: 'completed',
      result: { echoed: 'fail:2' },
    });
    expect(story.payload).toEqual({
      stored: { version: 1, data: { message: 'fail:2' } },
      received: { message: 'fail:2' },
    });
    // In time order: each event starts no earlier than the one before.
    const times = story.timeline
      .filter((e) => e.type !== 'end')
      .map((e) =>
        e.type === 'wait' ? e.from : e.type === 'attempt' ? e.startedAt : e.at,
      )
      .map((at) => at?.getTime() ?? 0);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('an attempt that fails for good keeps its stack once Redis forgets the job', async () => {
    const job = await acme.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'always-fail' },
      options: { attempts: 1 },
    });
    await ended(acme, job.id, 'failed');
    // As retention would: Redis no longer holds it, history does.
    const queue = new Queue(job.queue, {
      connection: { url: redisUrl },
      prefix: createKeyspace(harness.prefix).bullPrefix(job.queue),
    });
    await queue.remove(job.id);
    await queue.close();
    const story = await acme.history.story.query({ id: job.id });
    expect(story.live).toBeNull();
    const [attempt] = ofType(story, 'attempt');
    expect(attempt).toMatchObject({
      outcome: 'failed',
      error: 'boom on attempt 1',
    });
    expect(attempt?.stack).toContain('boom on attempt 1');
    expect(story.timeline.at(-1)).toMatchObject({
      type: 'end',
      state: 'failed',
      error: 'boom on attempt 1',
    });
  });

  it('a delayed job shows the delay asked for, and waits it out', async () => {
    const job = await acme.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'delayed' },
      options: { delay: 60_000 },
    });
    const waiting = await waitFor(
      async () => {
        const story = await acme.history.story
          .query({ id: job.id })
          .catch(() => null);
        return story?.job ? story : undefined;
      },
      20_000,
      'the delayed job in history',
    );
    expect(waiting.enqueued.delayMs).toBe(60_000);
    expect(waiting.live?.state).toBe('delayed');
    const [wait] = ofType(waiting, 'wait');
    expect(wait).toMatchObject({
      kind: 'delay',
      known: 'recorded',
      ms: 60_000,
    });
    expect(wait!.until!.getTime() - wait!.from!.getTime()).toBe(60_000);

    const short = await acme.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'short delay' },
      options: { delay: 400 },
    });
    const done = await ended(acme, short.id, 'completed');
    const [ran] = ofType(done, 'wait');
    expect(ran).toMatchObject({ kind: 'delay', known: 'derived' });
    expect(ran!.ms).toBeGreaterThanOrEqual(350);
  });

  it('records through what a job was enqueued: an in-process client', async () => {
    const local = createInProcessClient(
      { services: harness.services, logger: pino({ level: 'silent' }) },
      { subject: 'billing', tenantId: 'acme', role: 'producer', jobs: null },
    );
    const job = await local.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'in process' },
    });
    const story = await ended(acme, job.id, 'completed');
    expect(story.enqueued).toMatchObject({ by: 'billing', via: 'in-process' });
  });

  it("another tenant's job, and no job, are NOT_FOUND", async () => {
    const job = await acme.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'mine' },
    });
    await ended(acme, job.id, 'completed');
    expect(await codeOf(globex.history.story.query({ id: job.id }))).toBe(
      'NOT_FOUND',
    );
    expect(
      await codeOf(
        acme.history.story.query({
          id: '00000000-0000-4000-8000-000000000000',
        }),
      ),
    ).toBe('NOT_FOUND');
  });

  it('history.failures groups failure reasons per job name, per tenant', async () => {
    const failing = ['always-fail', 'always-fail', 'fail:1'];
    const ids = [];
    for (const message of failing)
      ids.push(
        (
          await globex.enqueue.mutate({
            name: 'TEST_JOB',
            data: { message },
            options: { attempts: 2, backoff: { type: 'fixed', delay: 10 } },
          })
        ).id,
      );
    await ended(globex, ids[0]!, 'failed');
    await ended(globex, ids[1]!, 'failed');
    await ended(globex, ids[2]!, 'completed');
    const reasons = await globex.history.failures.query({ name: 'TEST_JOB' });
    const byReason = new Map(reasons.map((r) => [r.reason, r]));
    // Two jobs failed for good on their second attempt; their first failed too.
    expect(byReason.get('boom on attempt 2')).toMatchObject({
      name: 'TEST_JOB',
      jobs: 2,
      attempts: 2,
    });
    expect(byReason.get('boom on attempt 1')).toMatchObject({
      jobs: 0,
      attempts: 2,
    });
    expect(byReason.get('planned failure 1')).toMatchObject({
      jobs: 0,
      attempts: 1,
    });
    expect(byReason.get('boom on attempt 2')?.lastAt).toBeInstanceOf(Date);
    expect(reasons[0]?.reason).toBe('boom on attempt 2');
    // acme's failures are acme's alone.
    const acmeReasons = await acme.history.failures.query({});
    expect(acmeReasons.every((r) => r.reason !== 'boom on attempt 2')).toBe(
      true,
    );
    expect(
      acmeReasons.find((r) => r.reason === 'boom on attempt 1'),
    ).toMatchObject({ jobs: 1 });
  });
});
