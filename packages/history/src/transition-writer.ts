import type { Kysely } from 'kysely';
import { applyTransitions } from './apply-transitions.ts';
import type { HistoryLagStats } from './history-drainer-options.ts';
import type { HistoryLogger } from './history-logger.ts';
import type { HistoryDatabase } from './history-schema.ts';
import { isTransientError } from './is-transient-error.ts';
import { LagWindow } from './lag-window.ts';
import type { Transition } from './transition.ts';

export interface TransitionWriterOptions {
  db: Kysely<HistoryDatabase>;
  logger: HistoryLogger;
  maxBackoffMs: number;
  /** True once the drainer is closing: retries stop and entries stay pending. */
  closing: () => boolean;
  /** Waits between retries; the drainer's close cuts it short. */
  pause: (ms: number) => Promise<void>;
}

/**
 * The PostgreSQL half of the drainer: writes a batch in one transaction,
 * retrying with backoff while PostgreSQL is away (logging the outage when it
 * starts and ends, not per retry), and one by one when PostgreSQL refuses
 * the batch for its data.
 */
export class TransitionWriter {
  private written = 0;
  private readonly lags = new LagWindow();
  private outageSince: number | undefined;

  constructor(private readonly options: TransitionWriterOptions) {}

  /** Writes until it succeeds; false when closing first (entries stay pending). */
  async write(transitions: Transition[]): Promise<boolean> {
    const { closing, pause, maxBackoffMs } = this.options;
    for (let retry = 0; ; retry++) {
      try {
        this.written += await applyTransitions(this.options.db, transitions);
        this.recordWritten(transitions);
        return true;
      } catch (error) {
        if (!isTransientError(error)) return this.writeEach(transitions, error);
        this.recordOutage(error);
        if (closing()) return false;
        await pause(Math.min(maxBackoffMs, 100 * 2 ** Math.min(retry, 10)));
        if (closing()) return false;
      }
    }
  }

  stats(): HistoryLagStats {
    return {
      written: this.written,
      writeLagMs: this.lags.summary(),
      outage: this.outageSince !== undefined,
    };
  }

  private recordWritten(transitions: Transition[]): void {
    const now = Date.now();
    for (const t of transitions) this.lags.add(now - t.at);
    if (this.outageSince === undefined) return;
    this.options.logger.info(
      { downMs: now - this.outageSince },
      'history store is back; outbox draining',
    );
    this.outageSince = undefined;
  }

  private recordOutage(error: unknown): void {
    if (this.outageSince !== undefined) return;
    this.outageSince = Date.now();
    this.options.logger.warn(
      { err: error instanceof Error ? error.message : String(error) },
      'history store unavailable; transitions wait in Redis',
    );
  }

  /** A batch PostgreSQL refuses for its data: write one by one, drop (and log) the bad ones. */
  private async writeEach(
    transitions: Transition[],
    cause: unknown,
  ): Promise<boolean> {
    if (transitions.length === 1) {
      this.options.logger.error(
        {
          err: cause instanceof Error ? cause.message : String(cause),
          transition: transitions[0]?.id,
        },
        'history dropped a transition PostgreSQL refuses',
      );
      return true;
    }
    for (const t of transitions) if (!(await this.write([t]))) return false;
    return true;
  }
}
