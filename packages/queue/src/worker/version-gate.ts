import { envelopeVersion, type AnyRegistry } from '@conveyor/core';
import { DelayedError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Keyspace } from '../keyspace.ts';
import { envelopeTenant } from '../tenancy/envelope-tenant.ts';
import {
  handBackDelayMs,
  readHandBackRecord,
  storedVersionOf,
  writeHandBackRecord,
} from '../versioning/hand-back-record.ts';
import { HandBackEpisodes } from './hand-back-episodes.ts';
import type { HandBack, JobObserver } from './job-observer.ts';

export interface VersionGateOptions {
  redis: Redis;
  keys: Keyspace;
  registry: AnyRegistry;
  logger: Logger;
  observers: readonly JobObserver[];
  /** Quiet time that ends a hand-back episode (default 5 min). */
  episodeMs?: number;
  /** See `WorkerPoolOptions.unknownJobGraceMs`. */
  unknownJobGraceMs?: number | undefined;
}

/** A rolling deploy's span: long enough for new workers to come up, short enough for a planted name to fail soon. */
export const DEFAULT_UNKNOWN_JOB_GRACE_MS = 15 * 60 * 1_000;

/**
 * The worker's side of a rolling deploy: a job whose input was written
 * with a version newer than this worker's contract knows is not run (its
 * processor would get a shape it does not know) and not failed: it goes
 * back to the delayed set without spending an attempt, for a worker that
 * knows the version. The delay doubles per hand-back of the job, 1 s to
 * 30 s, so a job no new worker ever takes cycles forever at that pace; the
 * reason stays readable in its hand-back record (`waitingFor`).
 */
export class VersionGate {
  private readonly episodes: HandBackEpisodes;
  private readonly listening: readonly JobObserver[];

  constructor(private readonly options: VersionGateOptions) {
    this.episodes = new HandBackEpisodes(options.logger, options.episodeMs);
    this.listening = options.observers.filter(
      (o) => o.onHandBack !== undefined,
    );
  }

  /**
   * Synchronous and cheap: a job whose envelope has no version pays a
   * registry lookup and one property read. A job of a name this contract
   * lacks is handed back while it is young (a newer release may have added
   * it), then left to the attempt, which fails it as having no processor.
   */
  concerns(job: Job): boolean {
    const definition = this.options.registry.get(job.name);
    if (!definition) {
      const grace =
        this.options.unknownJobGraceMs ?? DEFAULT_UNKNOWN_JOB_GRACE_MS;
      // From when it came due: a delayed or scheduled run was made long before.
      const due = job.timestamp + (job.opts.delay ?? 0);
      return Date.now() - due < grace;
    }
    // Null (a pv that is no version) is malformed: the attempt fails it.
    const stored = envelopeVersion(job.data);
    return stored !== null && stored > definition.version;
  }

  /** Records the hand-back, puts the job back delayed, and tells BullMQ to leave it alone. */
  async handBack(
    job: Job,
    queue: string,
    token: string | undefined,
  ): Promise<never> {
    const { redis, keys, registry, logger } = this.options;
    const stored = storedVersionOf(job);
    // 0: this worker does not know the job at all.
    const known = registry.get(job.name)?.version ?? 0;
    const key = keys.handBack(queue, job.id ?? '');
    const previous = await readHandBackRecord(redis, key).catch(() => null);
    const count = (previous?.count ?? 0) + 1;
    const delayMs = handBackDelayMs(count);
    const at = Date.now();
    const retryAt = at + delayMs;
    const record = { stored, known, count, at, retryAt };
    await writeHandBackRecord(redis, key, record).catch(() => undefined);
    try {
      await job.moveToDelayed(retryAt, token);
    } catch (error) {
      // Lock lost or Redis away: the job is not ours to fail either; the
      // stalled check gives it back to the workers.
      logger.debug({ err: error, jobId: job.id }, 'hand-back not recorded');
    }
    this.episodes.handedBack(job.name, stored, known);
    this.tell({
      jobId: job.id ?? '',
      tenantId: envelopeTenant(job.data),
      name: job.name,
      queue,
      ...{ storedVersion: stored, knownVersion: known, count, delayMs },
    });
    throw new DelayedError(
      known === 0
        ? `handed back: this worker does not know ${job.name}`
        : `handed back: version ${stored} of ${job.name}, this worker knows version ${known}`,
    );
  }

  close(): void {
    this.episodes.close();
  }

  private tell(handBack: HandBack): void {
    for (const observer of this.listening) {
      try {
        observer.onHandBack?.(handBack);
      } catch (error) {
        this.options.logger.warn(
          { err: error, jobId: handBack.jobId },
          'hand-back listener failed',
        );
      }
    }
  }
}
