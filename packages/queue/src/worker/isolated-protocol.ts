import type { IsolatedTarget } from './isolated.ts';
import { NonRetryableError } from './non-retryable-error.ts';
import { RetryLaterError } from './retry-later-error.ts';

/** What the thread is started with (`workerData`). */
export interface IsolatedStart {
  target: IsolatedTarget;
  payload: unknown;
  context: {
    jobId: string;
    tenantId: string;
    attempt: number;
    attempts: number;
  };
  log: { level: string; bindings: Record<string, unknown> };
}

/** An error as it crosses the thread boundary: enough to rebuild its meaning. */
export interface SerializedError {
  name: string;
  message: string;
  delayMs?: number;
}

export type ThreadMessage =
  | { type: 'progress'; seq: number; value: unknown }
  | { type: 'completed'; value: unknown }
  | { type: 'failed'; error: SerializedError };

export type MainMessage =
  | { type: 'abort'; reason: string }
  | { type: 'progress-done'; seq: number; error?: string };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof RetryLaterError)
    return { name: error.name, message: error.message, delayMs: error.delayMs };
  if (error instanceof Error)
    return {
      // BullMQ's own UnrecoverableError means the same as ours.
      name:
        error.name === 'UnrecoverableError' ? 'NonRetryableError' : error.name,
      message: error.message,
    };
  return { name: 'Error', message: String(error) };
}

/** The main thread's view of a thread's error: the same classes the runner knows. */
export function deserializeError(error: SerializedError): Error {
  if (error.name === 'RetryLaterError')
    return new RetryLaterError(error.message, error.delayMs ?? 0);
  if (error.name === 'NonRetryableError')
    return new NonRetryableError(error.message);
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  return rebuilt;
}
