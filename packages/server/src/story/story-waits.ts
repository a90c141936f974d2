import type { HandBackRecord } from '@conveyor/queue';
import type { WaitingFor } from '@conveyor/core';
import type { StoryAttemptEvent, StoryWaitEvent } from './run-story.ts';

/** What a story's waits are derived from. */
export interface WaitSources {
  enqueuedAt: Date | null;
  /** The delay the enqueue asked for (ms); 0 or null for none. */
  delayMs: number | null;
  attempts: readonly StoryAttemptEvent[];
  handBack: HandBackRecord | null;
  waitingFor: WaitingFor | null;
}

const gap = (from: Date, to: Date) =>
  Math.max(0, to.getTime() - from.getTime());

/**
 * The waits of a job's story. Derived: the gap from the enqueue to the
 * first attempt (`delay` when one was asked, else `queued`), and from each
 * failed attempt's end to the next attempt of its run (`backoff`). Recorded:
 * the latest version hand-back, and a delay asked for that has not run out.
 * Live: why Redis says it waits now (flow control, a hand-back).
 */
export function storyWaits(sources: WaitSources): StoryWaitEvent[] {
  const waits = [...firstWait(sources), ...backoffs(sources.attempts)];
  const live = liveWait(sources.waitingFor);
  // The hand-back a live `version` wait already shows is not shown twice.
  if (sources.handBack && live?.kind !== 'version')
    waits.push(handBackWait(sources.handBack));
  if (live) waits.push(live);
  return waits;
}

function firstWait({
  enqueuedAt,
  delayMs,
  attempts,
}: WaitSources): StoryWaitEvent[] {
  if (!enqueuedAt) return [];
  const asked = delayMs ?? 0;
  const kind = asked > 0 ? 'delay' : 'queued';
  const first = attempts.find((a) => a.run === 0);
  const base = { type: 'wait', kind, run: 0, from: enqueuedAt } as const;
  if (first?.startedAt)
    return [
      {
        ...base,
        known: 'derived',
        beforeAttempt: first.attempt,
        until: first.startedAt,
        ms: gap(enqueuedAt, first.startedAt),
      },
    ];
  if (first || asked === 0) return [];
  return [
    {
      ...base,
      known: 'recorded',
      beforeAttempt: 1,
      until: new Date(enqueuedAt.getTime() + asked),
      ms: asked,
    },
  ];
}

function backoffs(attempts: readonly StoryAttemptEvent[]): StoryWaitEvent[] {
  const waits: StoryWaitEvent[] = [];
  for (let i = 1; i < attempts.length; i += 1) {
    const before = attempts[i - 1];
    const next = attempts[i];
    if (!before || !next || before.run !== next.run) continue;
    if (!before.endedAt || !next.startedAt) continue;
    waits.push({
      type: 'wait',
      kind: 'backoff',
      known: 'derived',
      run: next.run,
      beforeAttempt: next.attempt,
      from: before.endedAt,
      until: next.startedAt,
      ms: gap(before.endedAt, next.startedAt),
    });
  }
  return waits;
}

function handBackWait(record: HandBackRecord): StoryWaitEvent {
  return {
    type: 'wait',
    kind: 'version',
    known: 'recorded',
    run: null,
    beforeAttempt: null,
    from: new Date(record.at),
    until: new Date(record.retryAt),
    ms: Math.max(0, record.retryAt - record.at),
    storedVersion: record.stored,
    knownVersion: record.known,
    handBacks: record.count,
  };
}

function liveWait(waitingFor: WaitingFor | null): StoryWaitEvent | null {
  if (!waitingFor) return null;
  const { reason, key, position, retryAt } = waitingFor;
  return {
    type: 'wait',
    kind: reason,
    known: 'live',
    run: null,
    beforeAttempt: null,
    from: null,
    until: retryAt ?? null,
    ms: null,
    key,
    ...(position === undefined ? {} : { position }),
    ...(waitingFor.storedVersion === undefined
      ? {}
      : { storedVersion: waitingFor.storedVersion }),
    ...(waitingFor.knownVersion === undefined
      ? {}
      : { knownVersion: waitingFor.knownVersion }),
    ...(waitingFor.handBacks === undefined
      ? {}
      : { handBacks: waitingFor.handBacks }),
  };
}
