import type { Logger } from 'pino';

/** Quiet time after which a (job, version) pair's hand-back episode ends. */
export const HAND_BACK_EPISODE_MS = 5 * 60 * 1_000;

interface Episode {
  timer: NodeJS.Timeout;
  handBacks: number;
}

/**
 * One warn line per (job name, stored version) while this worker hands such
 * jobs back, not one per job: a rolling deploy hands back many jobs, and a
 * deploy that never finishes would otherwise log every 30 s per job. The
 * episode ends after `quietMs` without a hand-back of the pair (one info
 * line); a later one starts a new episode, so a stuck deploy warns again
 * every `quietMs` or so at most.
 */
export class HandBackEpisodes {
  private readonly open = new Map<string, Episode>();

  constructor(
    private readonly logger: Logger,
    private readonly quietMs: number = HAND_BACK_EPISODE_MS,
  ) {}

  handedBack(name: string, stored: number, known: number): void {
    const pair = `${name}\u0000${stored}`;
    const episode = this.open.get(pair);
    if (episode) {
      episode.handBacks += 1;
      episode.timer.refresh();
      return;
    }
    this.logger.warn(
      { job: name, storedVersion: stored, knownVersion: known },
      known === 0
        ? `jobs of ${name} handed back: this worker does not know the job; deploy workers that know it first`
        : `jobs of ${name} version ${stored} handed back: this worker knows version ${known}; deploy workers that know it first`,
    );
    const timer = setTimeout(() => this.end(pair, name, stored), this.quietMs);
    timer.unref();
    this.open.set(pair, { timer, handBacks: 1 });
  }

  /** Stops the timers (the pool closes); open episodes end unlogged. */
  close(): void {
    for (const { timer } of this.open.values()) clearTimeout(timer);
    this.open.clear();
  }

  private end(pair: string, name: string, stored: number): void {
    const episode = this.open.get(pair);
    this.open.delete(pair);
    this.logger.info(
      { job: name, storedVersion: stored, handBacks: episode?.handBacks ?? 0 },
      `hand-backs of ${name} version ${stored} ended: none for ${Math.round(this.quietMs / 1_000)} s`,
    );
  }
}
