import {
  decodeEnvelope,
  payloadView,
  redactSealed,
  resultView,
  type JobState,
  type JobViewBase,
  type PayloadView,
  type RuntimeJob,
  type WaitingFor,
} from '@conveyor/core';
import { parseFailedReason } from '../cancellation.ts';
import {
  deduplicateModeOf,
  deduplicationKeyOf,
} from '../producer/deduplication.ts';
import type { Found } from './job-reader.ts';

/** Opens a job's sealed payload and result values (`openPayload`), for a caller allowed to see them. */
export interface SealedOpener {
  data: (value: unknown) => unknown;
  result: (value: unknown) => unknown;
}

/** A job as callers see it, before the registry's types are put on it. */
export type UntypedJobView = JobViewBase & {
  data: unknown;
  dataError: string | null;
};

/**
 * `waitingFor`, when given, is put on a waiting job's view (see
 * `JobReader.waitingFor`); `definition`, the job's contract, upcasts an
 * older payload to what the processor will receive.
 */
export function toJobView(
  found: Found,
  waitingFor?: WaitingFor | null,
  definition?: RuntimeJob,
  /** Opens sealed values for a caller allowed to see them; else they show as `[sensitive]`. */
  open?: SealedOpener,
): UntypedJobView {
  if (found.kind === 'cancelled') {
    const { snapshot } = found;
    return {
      id: found.id,
      name: snapshot.name,
      queue: found.queue,
      state: 'cancelled',
      ...decodeData(parseJson(snapshot.data), definition, open?.data),
      progress: null,
      result: null,
      failedReason: snapshot.reason,
      attemptsMade: snapshot.attemptsMade,
      attempts: snapshot.opts.attempts ?? 1,
      createdAt: new Date(snapshot.createdAt),
      startedAt: null,
      finishedAt: new Date(snapshot.cancelledAt),
    };
  }
  const { job, queue, bullState } = found;
  const failure = job.failedReason ? parseFailedReason(job.failedReason) : null;
  const dedup = job.opts.deduplication;
  return {
    id: job.id ?? '',
    name: job.name,
    queue,
    state: toJobState(bullState, failure?.cancelled ?? false),
    ...decodeData(job.data, definition, open?.data),
    progress: decodeOptional(job.progress),
    result: shownResult(job.returnvalue, definition, open?.result),
    failedReason: failure?.reason ?? null,
    attemptsMade: job.attemptsMade,
    attempts: job.opts.attempts ?? 1,
    createdAt: new Date(job.timestamp),
    startedAt: job.processedOn ? new Date(job.processedOn) : null,
    finishedAt: job.finishedOn ? new Date(job.finishedOn) : null,
    ...(dedup
      ? {
          deduplication: {
            mode: deduplicateModeOf(dedup),
            key: deduplicationKeyOf(dedup.id),
            absorbed: found.absorbed ?? 0,
          },
        }
      : {}),
    ...(waitingFor ? { waitingFor } : {}),
  };
}

function toJobState(bullState: string, cancelled: boolean): JobState {
  switch (bullState) {
    case 'delayed':
    case 'active':
    case 'completed':
      return bullState;
    case 'failed':
      return cancelled ? 'cancelled' : 'failed';
    default: // waiting, prioritized, waiting-children
      return 'waiting';
  }
}

/** Planted or corrupted data shows as such, not as a 500 and not as a typed null. */
function decodeData(
  data: unknown,
  definition?: RuntimeJob,
  open?: (value: unknown) => unknown,
): PayloadView {
  let decoded;
  try {
    decoded = decodeEnvelope(data);
  } catch (error) {
    return { data: null, dataError: (error as Error).message };
  }
  return payloadView(definition, decoded.payload, decoded.version, open);
}

function shownResult(
  returnvalue: unknown,
  definition?: RuntimeJob,
  open?: (value: unknown) => unknown,
): unknown {
  const result = decodeOptional(returnvalue);
  try {
    return resultView(definition, result, open);
  } catch {
    return resultView(definition, result);
  }
}

/** Progress and results are stored as envelopes; anything else (BullMQ's default 0) is "none". */
export function decodeOptional(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !('v' in value))
    return null;
  try {
    return decodeEnvelope(value).payload ?? null;
  } catch {
    return null;
  }
}

/** The same, for a value still in its stored JSON form (stream events, raw hash fields). */
export function decodeStoredJson(json: string | null | undefined): unknown {
  // Only watchers read these (results, progress): sealed values never go out in clear.
  return json ? redactSealed(decodeOptional(parseJson(json))) : null;
}

/** JSON as stored, or null when it is not JSON. */
export function parseJson(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return null;
  }
}
