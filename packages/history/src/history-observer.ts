import type { AttemptInfo, JobObserver } from '@conveyor/queue';
import { hostname } from 'node:os';
import { transitionFromEvent, transitionOf } from './from-event.ts';
import type { HistoryOutbox } from './history-outbox.ts';

export interface HistoryObserverOptions {
  /** Recorded on each attempt; default `{hostname}:{pid}`. */
  worker?: string;
  /**
   * Also record each attempt's start (the job shows `active` in history
   * while it runs). Off by default: an outcome carries its start (from its
   * duration) and its worker, so the story is whole without it, and every
   * job then costs one outbox append instead of two.
   */
  starts?: boolean;
}

/**
 * The worker's side of history, for `createWorkerPool({ observers })`: each
 * attempt's outcome (and a failure for stalling too often) goes to the
 * outbox as it is reported, awaited (in Redis before BullMQ records the
 * outcome; appends of one turn share a round trip).
 */
export function historyObserver(
  outbox: HistoryOutbox,
  options: HistoryObserverOptions = {},
): JobObserver {
  const worker = options.worker ?? `${hostname()}:${process.pid}`;
  return {
    ...(options.starts
      ? {
          beforeAttempt: (info: AttemptInfo) => {
            const started = transitionOf(info, 'started', info.startedAt);
            started.worker = worker;
            return outbox.append(started);
          },
        }
      : {}),
    onEvent: (event) => {
      const t = transitionFromEvent(event, worker);
      return t ? outbox.append(t) : undefined;
    },
  };
}
