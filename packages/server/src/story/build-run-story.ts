import { TERMINAL_STATES, type AnyRegistry } from '@conveyor/core';
import type { HistoryJobDetail } from '@conveyor/history';
import { upcastHistoryView } from '../history/upcast-history-view.ts';
import type { LiveJob } from './live-job.ts';
import type {
  LiveRunState,
  RunStory,
  StoryEndEvent,
  StoryEnqueued,
  StoryEvent,
} from './run-story.ts';
import { storyAttempts } from './story-attempts.ts';
import { storyPayload } from './story-payload.ts';
import { storyWaits } from './story-waits.ts';

/** What a story is told from: history's row as stored (not upcast), and Redis's job. */
export interface StorySources {
  id: string;
  detail: HistoryJobDetail | null;
  live: LiveJob | null;
  gaps: string[];
}

/** A W3C traceparent is `version-traceid-spanid-flags`. */
function traceIdOf(traceparent: string | null): string | null {
  const id = traceparent?.split('-')[1];
  return id && /^[0-9a-f]{32}$/.test(id) ? id : null;
}

/** One job's story; the caller has found it in history or Redis. */
export function buildRunStory(
  registry: AnyRegistry,
  { id, detail, live, gaps }: StorySources,
): RunStory {
  const row = detail?.job ?? null;
  const name = row?.name ?? live?.view.name ?? '';
  const enqueued = enqueuedOf(detail, live);
  const attempts = storyAttempts(detail, live);
  const waits = storyWaits({
    enqueuedAt: enqueued.at,
    delayMs: enqueued.delayMs,
    attempts,
    handBack: live?.handBack ?? null,
    waitingFor: live?.view.waitingFor ?? null,
  });
  const events: StoryEvent[] = [...waits, ...attempts];
  if (enqueued.at)
    events.unshift({
      type: 'enqueued',
      at: enqueued.at,
      by: enqueued.by,
      via: enqueued.via,
      known: 'recorded',
    });
  const end = endOf(detail, live);
  return {
    id,
    name,
    queue: row?.queue ?? live?.view.queue ?? '',
    job: row ? upcastHistoryView(row, registry) : null,
    live: live ? liveState(live) : null,
    enqueued,
    timeline: [...inTimeOrder(events), ...(end ? [end] : [])],
    payload: storyPayload(registry.get(name), row, live),
    traceId: traceIdOf(live?.traceparent ?? null),
    gaps,
  };
}

function enqueuedOf(
  detail: HistoryJobDetail | null,
  live: LiveJob | null,
): StoryEnqueued {
  const row = detail?.job;
  const liveDelay = live && live.delayMs > 0 ? live.delayMs : null;
  return {
    at: row?.enqueuedAt ?? live?.view.createdAt ?? null,
    by: row?.enqueuedBy ?? null,
    via: row?.enqueuedVia ?? null,
    idempotencyKey: row?.idempotencyKey ?? null,
    delayMs: row?.enqueuedDelayMs ?? liveDelay,
  };
}

function liveState({ view, traceparent }: LiveJob): LiveRunState {
  return {
    state: view.state,
    progress: view.progress,
    waitingFor: view.waitingFor ?? null,
    attemptsMade: view.attemptsMade,
    attempts: view.attempts,
    traceparent,
  };
}

/** How the run ended, history's word first (it outlives Redis); null while it has not. */
function endOf(
  detail: HistoryJobDetail | null,
  live: LiveJob | null,
): StoryEndEvent | null {
  const row = detail?.job;
  if (
    row &&
    (row.state === 'completed' ||
      row.state === 'failed' ||
      row.state === 'cancelled')
  )
    return {
      type: 'end',
      state: row.state,
      at: row.finishedAt,
      result: row.result,
      error: row.state === 'completed' ? null : row.lastError,
      known: 'recorded',
    };
  const view = live?.view;
  if (!view || !TERMINAL_STATES.has(view.state)) return null;
  return {
    type: 'end',
    state: view.state as StoryEndEvent['state'],
    at: view.finishedAt,
    result: view.result,
    error: view.failedReason,
    known: 'recorded',
  };
}

const timeOf = (event: StoryEvent): number => {
  const at =
    event.type === 'wait'
      ? (event.from ?? event.until)
      : event.type === 'attempt'
        ? (event.startedAt ?? event.endedAt)
        : event.at;
  return at ? at.getTime() : Number.POSITIVE_INFINITY;
};

/** Oldest first; live waits (no start) last; ties keep the order built (a wait before its attempt). */
function inTimeOrder(events: StoryEvent[]): StoryEvent[] {
  const rank = (e: StoryEvent) => (e.type === 'enqueued' ? 0 : 1);
  return events
    .map((event, i) => ({ event, i }))
    .sort(
      (a, b) =>
        timeOf(a.event) - timeOf(b.event) ||
        rank(a.event) - rank(b.event) ||
        a.i - b.i,
    )
    .map(({ event }) => event);
}
