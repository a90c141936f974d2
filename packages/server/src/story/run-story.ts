import type { JobState, WaitingFor } from '@conveyor/core';
import type { HistoryJobView } from '@conveyor/history';

/**
 * How a story knows what it says: `recorded` = written down when it
 * happened (history rows, BullMQ's attempt log, the hand-back record);
 * `derived` = computed from recorded times (a wait is the gap between two
 * recorded moments: the reason is inferred, not observed); `live` = read
 * from Redis now, true only at this moment.
 */
export type StoryKnowledge = 'recorded' | 'derived' | 'live';

/**
 * Why a job waited. `delay`: the delay its enqueue asked for; `queued`: the
 * gap before its first attempt with no delay asked (a free worker, flow
 * control: which one is not recorded); `backoff`: between a failed attempt
 * and the next; the rest are flow control's and versioning's reasons
 * (`WaitingFor['reason']`), known live or from the hand-back record.
 */
export type StoryWaitKind =
  'delay' | 'queued' | 'backoff' | WaitingFor['reason'];

export interface StoryEnqueuedEvent {
  type: 'enqueued';
  at: Date;
  by: string | null;
  via: string | null;
  known: StoryKnowledge;
}

export interface StoryWaitEvent {
  type: 'wait';
  kind: StoryWaitKind;
  known: StoryKnowledge;
  /** Null when not known (a live wait, a hand-back). */
  run: number | null;
  /** The attempt it came before; null for a live wait of an attempt not numbered yet. */
  beforeAttempt: number | null;
  from: Date | null;
  /** When it ended, or (live) when it is next tried; null when unknown. */
  until: Date | null;
  /** How long it lasted (derived), or was asked for (a delay); null when unknown. */
  ms: number | null;
  /** Flow control's key; the hand-back's versions and count. */
  key?: string | null;
  position?: number;
  storedVersion?: number;
  knownVersion?: number;
  handBacks?: number;
}

export interface StoryAttemptEvent {
  type: 'attempt';
  run: number;
  attempt: number;
  worker: string | null;
  startedAt: Date | null;
  endedAt: Date | null;
  durationMs: number | null;
  /** `completed`, `retrying`, `failed`, `cancelled`; null while it runs (or its end is not recorded yet). */
  outcome: string | null;
  error: string | null;
  /** The processor's stack (≤ 8 KB in history), when it threw an Error. */
  stack: string | null;
  known: StoryKnowledge;
}

export interface StoryEndEvent {
  type: 'end';
  state: 'completed' | 'failed' | 'cancelled';
  at: Date | null;
  result: unknown;
  error: string | null;
  known: StoryKnowledge;
}

/** One moment or span of a run's story, oldest first. */
export type StoryEvent =
  StoryEnqueuedEvent | StoryWaitEvent | StoryAttemptEvent | StoryEndEvent;

/** The job as Redis holds it now. */
export interface LiveRunState {
  state: JobState;
  progress: unknown;
  waitingFor: WaitingFor | null;
  attemptsMade: number;
  attempts: number;
  /** The enqueue's W3C traceparent, when tracing was on for it. */
  traceparent: string | null;
}

export interface StoryEnqueued {
  at: Date | null;
  /** The principal's subject (`token:<id>`, `local`, …); null when not recorded (a worker-side enqueue). */
  by: string | null;
  /** `api`, `in-process`, `dashboard`, `schedule`, `bulk`; null when not recorded. */
  via: string | null;
  idempotencyKey: string | null;
  /** The delay asked for (ms), from history or the live job; null for none or unknown. */
  delayMs: number | null;
}

/** The payload as stored (with its input version) and as the processor receives it. */
export interface StoryPayload {
  stored: { version: number; data: unknown };
  /** Upcast to the contract's current version; null with `dataError` when it cannot be. */
  received: unknown;
  dataError?: string;
}

/**
 * `history.story`: one job's whole story, from history (PostgreSQL) and,
 * while Redis still holds the job, its live state.
 */
export interface RunStory {
  id: string;
  name: string;
  queue: string;
  /** As `history.get` shows it (payload upcast); null when history has no row yet (its drainer lags). */
  job: HistoryJobView | null;
  /** Null once Redis no longer holds the job (or could not be read: see `gaps`). */
  live: LiveRunState | null;
  enqueued: StoryEnqueued;
  timeline: StoryEvent[];
  payload: StoryPayload | null;
  /** The trace id (from the traceparent), when the enqueue was traced and Redis still holds the job. */
  traceId: string | null;
  /** What could not be read, in words (e.g. Redis unavailable): the story is partial. */
  gaps: string[];
}
