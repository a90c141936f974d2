import { describe, expect, it } from 'vitest';
import type { StoryAttemptEvent } from './run-story.ts';
import { storyWaits } from './story-waits.ts';

const t = (ms: number) => new Date(Date.UTC(2026, 11, 7) + ms);

function attempt(
  run: number,
  n: number,
  start: number,
  end: number,
): StoryAttemptEvent {
  return {
    type: 'attempt',
    run,
    attempt: n,
    worker: null,
    startedAt: t(start),
    endedAt: t(end),
    durationMs: end - start,
    outcome: 'retrying',
    error: 'x',
    stack: null,
    known: 'recorded',
  };
}

const none = { handBack: null, waitingFor: null } as const;

describe('storyWaits', () => {
  it('derives the wait before the first attempt and backoffs within a run only', () => {
    const waits = storyWaits({
      ...none,
      enqueuedAt: t(0),
      delayMs: null,
      attempts: [
        attempt(0, 1, 10, 20),
        attempt(0, 2, 120, 130),
        // A retry's new run: the gap before it is no backoff.
        attempt(1, 3, 5_000, 5_010),
      ],
    });
    expect(waits.map((w) => [w.kind, w.known, w.ms, w.beforeAttempt])).toEqual([
      ['queued', 'derived', 10, 1],
      ['backoff', 'derived', 100, 2],
    ]);
  });

  it('shows a delay not run out yet as asked (recorded), and as measured once it ran', () => {
    const pending = storyWaits({
      ...none,
      enqueuedAt: t(0),
      delayMs: 60_000,
      attempts: [],
    });
    expect(pending).toEqual([
      expect.objectContaining({
        kind: 'delay',
        known: 'recorded',
        ms: 60_000,
        until: t(60_000),
      }),
    ]);
    const ran = storyWaits({
      ...none,
      enqueuedAt: t(0),
      delayMs: 60_000,
      attempts: [attempt(0, 1, 60_050, 60_060)],
    });
    expect(ran[0]).toMatchObject({
      kind: 'delay',
      known: 'derived',
      ms: 60_050,
    });
  });

  it('shows a hand-back once: live while it waits, else as recorded', () => {
    const handBack = {
      stored: 2,
      known: 1,
      count: 1,
      at: 1_000,
      retryAt: 2_000,
    };
    const base = { enqueuedAt: null, delayMs: null, attempts: [] };
    expect(
      storyWaits({ ...base, handBack, waitingFor: null }).map((w) => w.known),
    ).toEqual(['recorded']);
    const live = storyWaits({
      ...base,
      handBack,
      waitingFor: {
        reason: 'version',
        key: null,
        storedVersion: 2,
        knownVersion: 1,
      },
    });
    expect(live.map((w) => [w.kind, w.known])).toEqual([['version', 'live']]);
  });
});
