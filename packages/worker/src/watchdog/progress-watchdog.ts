import { withDeadline } from '@conveyor/queue';
import type { Worker } from 'bullmq';
import type { ProgressWatchdogOptions } from './progress-watchdog-options.ts';

export interface ProgressWatchdog {
  /** Since a job last started or ended here, or the queues were found empty. */
  secondsSinceProgress: () => number;
  /** Why /readyz should fail; empty while the worker makes progress. */
  reasons: () => string[];
  stop(): void;
}

type State =
  | { kind: 'ok' }
  | {
      kind: 'stuck' | 'gave-up';
      since: number;
      waiting: number;
      reconnected: boolean;
    };

/** BullMQ's own events that mean the fetch loop is alive. */
const PROGRESS_EVENTS = ['active', 'completed', 'failed', 'drained'] as const;
/** A suspicion's Redis reads wait this long at most. */
const READ_DEADLINE_MS = 5_000;

/**
 * Notices a worker whose blocking connection looks ready but delivers
 * nothing (bullmq#4585): no progress for `stuckAfterMs` while jobs it
 * could take wait and it runs none. Seen so on the next look too, it
 * reconnects the blocking connections, once; if progress has not resumed
 * `stuckAfterMs` after it was first seen stuck it gives up and stays
 * unready, for the orchestrator to restart it.
 * Nothing is read from Redis until progress has been missing that long.
 */
export function startProgressWatchdog(
  options: ProgressWatchdogOptions,
): ProgressWatchdog {
  const { logger, stuckAfterMs } = options;
  let lastProgress = Date.now();
  let state: State = { kind: 'ok' };
  let checking = false;
  const progress = () => {
    lastProgress = Date.now();
    if (state.kind === 'ok') return;
    logger.info(
      { stuckForMs: Date.now() - state.since },
      'worker makes progress again: ready',
    );
    state = { kind: 'ok' };
  };
  for (const worker of options.workers)
    for (const event of PROGRESS_EVENTS) worker.on(event, progress);

  const check = async () => {
    const idleMs = Date.now() - lastProgress;
    if (!suspect(options, idleMs)) return;
    const counts = await withDeadline(
      options.takeable.count(),
      READ_DEADLINE_MS,
    ).catch(() => undefined);
    // Unknown (Redis slow or gone) is not evidence; the next tick asks again.
    if (counts === undefined) return;
    const waiting = [...counts.values()].reduce((a, b) => a + b, 0);
    // Nothing to take: the worker idles rightly, which counts as progress.
    if (waiting === 0 || options.activeAttempts() > 0) return progress();
    state = escalate(state, { ...options, idleMs, waiting }, () =>
      reconnectBlocking(
        options.workers.filter((w) => counts.get(w.name)),
        logger,
      ),
    );
  };
  const timer = setInterval(
    () => {
      if (checking) return;
      checking = true;
      void check().finally(() => (checking = false));
    },
    Math.max(100, Math.min(5_000, stuckAfterMs / 4)),
  );
  timer.unref();

  return {
    secondsSinceProgress: () => (Date.now() - lastProgress) / 1_000,
    reasons: () => stateReasons(state, lastProgress),
    stop: () => {
      clearInterval(timer);
      for (const worker of options.workers)
        for (const event of PROGRESS_EVENTS) worker.off(event, progress);
    },
  };
}

/**
 * Stuck on the first look; on the second (a job taken meanwhile was
 * progress, never a reason to drop sockets) the blocking connections are
 * reconnected, once; given up `stuckAfterMs` after it was first seen stuck.
 */
function escalate(
  state: State,
  seen: ProgressWatchdogOptions & { idleMs: number; waiting: number },
  reconnect: () => Promise<void>,
): State {
  const { idleMs, waiting, logger } = seen;
  const now = Date.now();
  if (state.kind === 'ok') {
    logger.warn(
      { idleMs, waiting },
      'worker stuck: jobs wait but none was taken',
    );
    return { kind: 'stuck', since: now, waiting, reconnected: false };
  }
  if (state.kind === 'stuck' && !state.reconnected) {
    logger.warn(
      { idleMs, waiting },
      'worker stuck: reconnecting its blocking connections',
    );
    void reconnect();
    return { ...state, waiting, reconnected: true };
  }
  if (state.kind === 'stuck' && now - state.since >= seen.stuckAfterMs) {
    logger.error(
      { idleMs, waiting },
      'worker still stuck after reconnecting: giving up, staying unready',
    );
    return { ...state, kind: 'gave-up', waiting };
  }
  return { ...state, waiting };
}

/** Worth a Redis read: long without progress, running nothing, connected, not held. */
function suspect(options: ProgressWatchdogOptions, idleMs: number): boolean {
  return (
    idleMs >= options.stuckAfterMs &&
    options.activeAttempts() === 0 &&
    options.redis.status === 'ready' &&
    options.workers.some((w) => w.isRunning() && !w.isPaused())
  );
}

function stateReasons(state: State, lastProgress: number): string[] {
  if (state.kind === 'ok') return [];
  const idle = Math.round((Date.now() - lastProgress) / 1_000);
  const what = `no job taken for ${idle} s while ${state.waiting} wait`;
  return [
    state.kind === 'stuck'
      ? `worker stuck: ${what}; reconnecting its blocking connection`
      : `worker stuck: ${what}, even after reconnecting its blocking connection`,
  ];
}

/** Drops each worker's blocking socket (abandoning a fetch that never returns) and opens a new one. */
async function reconnectBlocking(
  workers: readonly Worker[],
  logger: ProgressWatchdogOptions['logger'],
): Promise<void> {
  await Promise.all(
    workers.map(async (worker) => {
      const backend = worker.getBackend();
      try {
        await withDeadline(backend.disconnectBlocking(true), READ_DEADLINE_MS);
      } catch {
        await backend.disconnectBlocking(false).catch(() => undefined);
      }
      // BullMQ's fetch loop may reconnect first ("already connecting"): fine.
      await withDeadline(backend.reconnectBlocking(), READ_DEADLINE_MS).then(
        () =>
          logger.info(
            { queue: worker.name },
            'blocking connection reconnected',
          ),
        (error: unknown) =>
          logger.warn(
            { queue: worker.name, err: (error as Error).message },
            'blocking connection not reconnected yet',
          ),
      );
    }),
  );
}
