import type { AttemptIdentity } from '@conveyor/queue';
import type { HistoryState } from './history-schema.ts';

export const TRANSITION_TYPES = [
  'enqueued',
  'started',
  'completed',
  'retrying',
  'failed',
  'cancelled',
] as const;
export type TransitionType = (typeof TRANSITION_TYPES)[number];

/**
 * One step of a job's story, as the producer and the worker report it: the
 * unit that flows through the outbox into PostgreSQL. Applying the same
 * transition twice, or two in either order, gives the same rows.
 */
export interface Transition extends Omit<AttemptIdentity, 'attempts'> {
  /**
   * Stable across replays: `{jobId}:{run}:{attempt}:{type}` (`transitionId`).
   * A transition whose id was applied already is skipped. `attempt` is 0
   * for `enqueued` (and a cancel before any attempt).
   */
  id: string;
  type: TransitionType;
  /** When it happened (ms since the epoch). */
  at: number;
  /** `enqueued`: the envelope's superjson payload (`{ json, meta }`), as stored. */
  payload?: unknown;
  /** `enqueued` with a payload: the job's input version it was written with (1 when absent). */
  payloadVersion?: number;
  /** `completed`: the processor's result (any superjson-able value). */
  result?: unknown;
  /** `retrying`, `failed`, `cancelled`: the error or reason. */
  error?: string;
  /** `retrying`, `failed`: the processor's error's stack, when it threw one (capped like `error`). */
  stack?: string;
  idempotencyKey?: string;
  /** Who enqueued it (a token id, `local-admin`, a schedule). */
  enqueuedBy?: string;
  /**
   * `enqueued` by the API: through what (`api` over HTTP, `in-process`,
   * `dashboard`, `schedule` for a schedule's run-now, `bulk`). Absent on
   * jobs the worker side enqueues (a schedule's ticks): no `enqueued` row.
   */
  enqueuedVia?: string;
  /** `enqueued`: the delay asked for (`delay`, or `runAt` less the enqueue time), when above 0. */
  delayMs?: number;
  /** Which worker process ran the attempt. */
  worker?: string;
  /** How long the attempt ran (outcomes). */
  durationMs?: number;
}

export function transitionId(
  jobId: string,
  run: number,
  attempt: number,
  type: TransitionType,
): string {
  return `${jobId}:${run}:${attempt}:${type}`;
}

export const STATE_OF: Record<TransitionType, HistoryState> = {
  enqueued: 'waiting',
  started: 'active',
  retrying: 'retrying',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

const TERMINAL: ReadonlySet<TransitionType> = new Set([
  'completed',
  'failed',
  'cancelled',
]);

export function isTerminal(type: TransitionType): boolean {
  return TERMINAL.has(type);
}

const RANK: Record<TransitionType, number> = {
  enqueued: 0,
  started: 1,
  retrying: 2,
  cancelled: 3,
  failed: 4,
  completed: 5,
};

/**
 * Where a transition stands in its job's story, as a string that sorts in
 * that order: run first (a retry or redrive supersedes everything before
 * it), then the end of a run over anything within it, then the attempt,
 * the kind, the time. `started` after `completed` of the same run sorts
 * lower, so it cannot move the job back to active.
 */
export function stateKey(t: Transition): string {
  return `${pad(t.run, 10)}.${isTerminal(t.type) ? '1' : '0'}.${pad(t.attempt, 10)}.${pad(RANK[t.type], 2)}.${pad(t.at, 15)}`;
}

function pad(n: number, width: number): string {
  return String(Math.max(0, Math.trunc(n))).padStart(width, '0');
}
