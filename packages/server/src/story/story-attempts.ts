import type { HistoryJobDetail } from '@conveyor/history';
import type { LiveJob } from './live-job.ts';
import type { StoryAttemptEvent } from './run-story.ts';

const msBetween = (from: Date | null, to: Date | null) =>
  from && to ? Math.max(0, to.getTime() - from.getTime()) : null;

/**
 * Every attempt of every run, oldest first. From history when it has them
 * (recorded by the worker: start, end, worker, outcome, error, stack);
 * else, for a job history has not seen yet, from BullMQ's attempt log and
 * the job itself (no worker; run unknown, so 0; stacks by failure order).
 */
export function storyAttempts(
  detail: HistoryJobDetail | null,
  live: LiveJob | null,
): StoryAttemptEvent[] {
  if (detail && detail.attempts.length > 0)
    return detail.attempts.map((a) => ({
      type: 'attempt',
      run: a.run,
      attempt: a.attempt,
      worker: a.worker,
      startedAt: a.startedAt,
      endedAt: a.endedAt,
      durationMs: msBetween(a.startedAt, a.endedAt),
      outcome: a.outcome,
      error: a.error,
      stack: a.stack ?? null,
      known: 'recorded',
    }));
  return live ? liveAttempts(live) : [];
}

function liveAttempts(live: LiveJob): StoryAttemptEvent[] {
  const { view, attempts, stacks } = live;
  let failures = 0;
  const out: StoryAttemptEvent[] = attempts.map((row) => {
    const startedAt = row.startedAt ? new Date(row.startedAt) : null;
    const endedAt = new Date(row.at);
    const stack = row.error === null ? null : (stacks[failures++] ?? null);
    return {
      ...attemptOf(row.attempt, startedAt, endedAt),
      outcome: row.error === null ? 'completed' : 'failed',
      error: row.error,
      stack,
      known: 'recorded',
    };
  });
  // The attempt now running, or the one that completed a job never retried:
  // BullMQ's log has neither; the job's own times do.
  const last = out.at(-1)?.attempt ?? 0;
  if (view.attemptsMade > last || view.state === 'active') {
    const ended = view.state === 'active' ? null : view.finishedAt;
    out.push({
      ...attemptOf(last + 1, view.startedAt, ended),
      outcome: view.state === 'active' ? null : view.state,
      error: view.failedReason,
      stack: view.failedReason === null ? null : (stacks.at(-1) ?? null),
      known: view.state === 'active' ? 'live' : 'recorded',
    });
  }
  return out;
}

function attemptOf(
  attempt: number,
  startedAt: Date | null,
  endedAt: Date | null,
): Pick<
  StoryAttemptEvent,
  'type' | 'run' | 'attempt' | 'worker' | 'startedAt' | 'endedAt' | 'durationMs'
> {
  return {
    type: 'attempt',
    run: 0,
    attempt,
    worker: null,
    startedAt,
    endedAt,
    durationMs: msBetween(startedAt, endedAt),
  };
}
