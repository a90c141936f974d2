import { sql } from 'kysely';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  applyTransitions,
  transitionId,
  type Transition,
  type TransitionType,
} from '../src/index.ts';
import { openTestHistory } from './support/test-database.ts';

// Batches as the drainer meets them: several transitions of one job, the
// same transition twice, a batch written before and read again. Each must
// leave the rows that applying the transitions one at a time leaves.

const postgresUrl = inject('postgresUrl');
const T0 = Date.parse('2026-11-20T10:00:00Z');

function step(
  jobId: string,
  type: TransitionType,
  [run, attempt, at]: [number, number, number],
  extra: Partial<Transition> = {},
): Transition {
  return {
    id: transitionId(jobId, run, attempt, type),
    ...{ jobId, tenantId: 'acme', name: 'email.digest', queue: 'email' },
    ...{ run, attempt, type, at },
    ...extra,
  };
}

/** A whole story: enqueue, a failed attempt, a retry that completes, with starts. */
function story(jobId: string): Transition[] {
  return [
    step(jobId, 'enqueued', [0, 0, T0], {
      payload: superjson.serialize({ n: 1 }),
      idempotencyKey: 'digest-1',
    }),
    step(jobId, 'started', [0, 1, T0 + 10], { worker: 'w1' }),
    step(jobId, 'retrying', [0, 1, T0 + 30], {
      error: 'timeout',
      durationMs: 20,
      worker: 'w1',
    }),
    step(jobId, 'started', [0, 2, T0 + 1_000], { worker: 'w2' }),
    step(jobId, 'completed', [0, 2, T0 + 1_250], {
      result: { sent: 2 },
      durationMs: 250,
      worker: 'w2',
    }),
  ];
}

describe('applyTransitions on whole batches', () => {
  let history: Awaited<ReturnType<typeof openTestHistory>>;
  beforeAll(async () => {
    history = await openTestHistory(postgresUrl);
  });
  afterAll(() => history.close());

  /** The job row (without id and write time) and its attempts, as stored. */
  async function rows(jobId: string, withWriteTime = false) {
    const job = await sql<Record<string, unknown>>`
      select *, xmin::text as version from history_jobs
      where tenant = 'acme' and id = ${jobId}`.execute(history.db);
    const attempts = await sql<Record<string, unknown>>`
      select *, xmin::text as version from history_attempts
      where tenant = 'acme' and job_id = ${jobId} order by run, attempt`.execute(
      history.db,
    );
    const strip = ({
      id: _i,
      job_id: _j,
      updated_at,
      version,
      ...rest
    }: Record<string, unknown>) =>
      withWriteTime ? { ...rest, updated_at, version } : rest;
    return { job: job.rows.map(strip), attempts: attempts.rows.map(strip) };
  }

  it('folds several transitions of one job in one batch, in any order, as one at a time', async () => {
    for (const t of story('single')) await applyTransitions(history.db, [t]);
    const expected = await rows('single');
    expect(expected.job[0]).toMatchObject({
      state: 'completed',
      attempts: 2,
      duration_ms: 1_250 - 10,
      last_error: 'timeout',
    });
    expect(expected.attempts).toHaveLength(2);
    const orders = [
      story('forward'),
      story('backward').reverse(),
      ((s) => [s[4], s[1], s[3], s[0], s[2]] as Transition[])(story('mixed')),
    ];
    for (const batch of orders) {
      expect(await applyTransitions(history.db, batch)).toBe(5);
      expect(await rows(batch[0]!.jobId)).toEqual(expected);
    }
  });

  it('counts and writes a transition given twice in one batch once', async () => {
    const once = story('dup-once');
    await applyTransitions(history.db, once);
    const twice = story('dup-twice');
    expect(
      await applyTransitions(history.db, [...twice, ...twice.slice(1, 3)]),
    ).toBe(5);
    expect(await rows('dup-twice')).toEqual(await rows('dup-once'));
  });

  it('keeps the first start of an attempt that stalled and ran again, whatever the order and replays', async () => {
    const first = step('restart', 'started', [0, 1, T0 + 10], {
      worker: 'w1',
    });
    const again = step('restart', 'started', [0, 1, T0 + 5_000], {
      worker: 'w2',
    });
    const enqueued = step('restart', 'enqueued', [0, 0, T0]);
    const kept = [
      expect.objectContaining({ started_at: new Date(T0 + 10), worker: 'w1' }),
    ];
    await applyTransitions(history.db, [enqueued, first]);
    // The rerun's start, then the first batch read again: neither moves it.
    await applyTransitions(history.db, [again]);
    expect((await rows('restart')).attempts).toEqual(kept);
    await applyTransitions(history.db, [enqueued, first, again]);
    expect((await rows('restart')).attempts).toEqual(kept);
    // Both starts in one batch, the rerun's last.
    await applyTransitions(history.db, [
      step('other-order', 'enqueued', [0, 0, T0]),
      step('other-order', 'started', [0, 1, T0 + 10], { worker: 'w1' }),
      step('other-order', 'started', [0, 1, T0 + 5_000], { worker: 'w2' }),
    ]);
    expect((await rows('other-order')).attempts).toEqual(kept);
  });

  it('rewrites nothing when a batch already applied is read again', async () => {
    const first = [...story('replay-a'), ...story('replay-b').slice(0, 3)];
    expect(await applyTransitions(history.db, first)).toBe(8);
    const a = await rows('replay-a', true);
    const b = await rows('replay-b', true);
    expect(await applyTransitions(history.db, first)).toBe(0);
    // Same values, same row versions: the replay wrote no row at all.
    expect(await rows('replay-a', true)).toEqual(a);
    expect(await rows('replay-b', true)).toEqual(b);
    // A replay beside new transitions: it changes only what the new ones
    // bring. What counts is a transition whose row changed (its attempt's;
    // an enqueue's, its job's): here the two new ones, and the enqueue of
    // the job they move on.
    const next = story('replay-b').slice(3);
    expect(await applyTransitions(history.db, [...first, ...next])).toBe(3);
    expect(await rows('replay-a', true)).toEqual(a);
    expect((await rows('replay-b')).job[0]).toMatchObject({
      state: 'completed',
      attempts: 2,
    });
  });
});
