import {
  CANCELLED_REASON_PREFIX,
  DEFAULT_PREFIX,
  conveyorKeys,
  decodeEnvelope,
  encodeEnvelope,
  formatAttempt,
  toPayloadIssues,
  type AnyRegistry,
  type QueueName,
} from '@conveyor/jobs';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { listenForCancellations } from './cancellation-listener.ts';
import type { ProcessorContext, ProcessorMap } from './processor.ts';

export interface WorkerPoolOptions<TRegistry extends AnyRegistry> {
  registry: TRegistry;
  processors: ProcessorMap<TRegistry>;
  /** Shared by the workers; blocking commands need `maxRetriesPerRequest: null`. */
  redis: Redis;
  logger: Logger;
  prefix?: string;
  /** Jobs run at once per queue. */
  concurrency?: number;
  /** Serve only these queues (default: every queue the registry uses). */
  queues?: readonly QueueName[];
  /**
   * How long a job lock lives between renewals (BullMQ default 30 s). Stalled
   * jobs are checked for at the same interval unless `stalledInterval` says
   * otherwise, so a dead worker's jobs run again within about twice this.
   */
  lockDuration?: number;
  stalledInterval?: number;
  /** How often active jobs' cancel requests are polled (pub/sub is immediate). */
  cancelPollMs?: number;
}

export interface WorkerPool {
  readonly workers: readonly Worker[];
  /** Resolves once every worker is connected and taking jobs. */
  ready(): Promise<void>;
  /**
   * Stops taking jobs and waits up to `graceMs` for active ones. Jobs still
   * running then are not failed: their lock lapses and BullMQ's stalled-job
   * check hands them to another worker. Returns the ids left that way.
   */
  close(graceMs?: number): Promise<string[]>;
}

type RuntimeProcessor = (
  payload: unknown,
  context: ProcessorContext,
) => Promise<unknown>;

/** One BullMQ Worker per queue; each job is routed by name to its processor. */
export function createWorkerPool<TRegistry extends AnyRegistry>(
  options: WorkerPoolOptions<TRegistry>,
): WorkerPool {
  const { registry, logger, redis } = options;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  // Routed by a name read from Redis: past the type-checked map, a processor
  // takes whatever its schema parsed.
  const processors = options.processors as unknown as Record<
    string,
    RuntimeProcessor | undefined
  >;
  const queues = options.queues?.length ? options.queues : registry.queues;
  const active = new Map<string, { queue: QueueName; name: string }>();
  /** Jobs whose abort came from a cancel request (not a lost lock): reason by job id. */
  const cancelled = new Map<string, string>();

  async function recordAttempt(job: Job, error: string) {
    const record = formatAttempt({
      attempt: job.attemptsMade + 1,
      at: new Date().toISOString(),
      error,
    });
    // History is best effort: a failure to write it must not change the job's outcome.
    await job.log(record).catch(() => undefined);
  }

  async function fail(
    job: Job,
    message: string,
    retry: boolean,
  ): Promise<never> {
    await recordAttempt(job, message);
    throw retry ? new Error(message) : new UnrecoverableError(message);
  }

  async function run(
    job: Job,
    queue: QueueName,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    // A child logger per job costs more than a no-op job: make it on first use.
    let jobLogger: Logger | undefined;
    const log = () =>
      (jobLogger ??= logger.child({
        jobId: job.id,
        job: job.name,
        attempt: job.attemptsMade + 1,
      }));
    const definition = registry.get(job.name);
    const processor = Object.hasOwn(processors, job.name)
      ? processors[job.name]
      : undefined;
    if (!definition || !processor) {
      log().error('no processor for this job name; failing without retry');
      return fail(job, `No processor for job "${job.name}"`, false);
    }
    let payload: unknown;
    try {
      payload = decodeEnvelope(job.data).payload;
    } catch (error) {
      const reason = (error as Error).message;
      log().error({ reason }, 'malformed job data; failing without retry');
      return fail(job, reason, false);
    }
    // Re-validate: the data may predate a schema change or not come from a Conveyor producer.
    const parsed = definition.input.safeParse(payload);
    if (!parsed.success) {
      const issues = toPayloadIssues(parsed.error);
      log().error({ issues }, 'invalid payload; failing without retry');
      return fail(
        job,
        `Invalid payload: ${issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
        false,
      );
    }

    const jobId = job.id ?? '';
    active.set(jobId, { queue, name: job.name });
    const context: ProcessorContext = {
      jobId,
      attempt: job.attemptsMade + 1,
      attempts: job.opts.attempts ?? 1,
      get logger() {
        return log();
      },
      signal: signal ?? new AbortController().signal,
      async progress(value) {
        const checked = definition.progress.safeParse(value);
        if (!checked.success) {
          throw new Error(`${job.name}: progress does not match its contract`);
        }
        await job.updateProgress(encodeEnvelope(checked.data));
      },
    };
    try {
      let result: unknown;
      try {
        result = await processor(parsed.data, context);
      } catch (error) {
        if (cancelled.has(jobId)) throw error; // reported as cancelled below
        const message = error instanceof Error ? error.message : String(error);
        return await fail(job, message, !(error instanceof UnrecoverableError));
      }
      if (cancelled.has(jobId)) throw new Error('cancelled');
      const checked = definition.result.safeParse(result);
      if (!checked.success) {
        log().error(
          { issues: toPayloadIssues(checked.error) },
          'processor returned a result its contract does not allow',
        );
        return await fail(
          job,
          'Processor result does not match the job contract',
          false,
        );
      }
      // Stored like payloads, so a Date in a result stays a Date for readers.
      return encodeEnvelope(checked.data);
    } catch (error) {
      const reason = cancelled.get(jobId);
      if (reason === undefined) throw error;
      log().info({ reason }, 'job cancelled');
      await redis
        .del(conveyorKeys.cancelRequest(prefix, queue, jobId))
        .catch(() => undefined);
      return await fail(job, `${CANCELLED_REASON_PREFIX}${reason}`, false);
    } finally {
      active.delete(jobId);
      cancelled.delete(jobId);
    }
  }

  const workersByQueue = new Map<QueueName, Worker>();
  const workers = queues.map((queue) => {
    const worker = new Worker(
      queue,
      (job, _token, signal) => run(job, queue, signal),
      {
        connection: redis,
        prefix,
        concurrency: options.concurrency ?? 10,
        ...(options.lockDuration ? { lockDuration: options.lockDuration } : {}),
        ...(options.stalledInterval || options.lockDuration
          ? { stalledInterval: options.stalledInterval ?? options.lockDuration }
          : {}),
      },
    );
    worker.on('error', (error) =>
      logger.error({ queue, err: error.message }, 'worker error'),
    );
    worker.on('failed', (job, error) => {
      if (!job) return;
      const final =
        error instanceof UnrecoverableError ||
        job.attemptsMade >= (job.opts.attempts ?? 1);
      if (error.message.startsWith(CANCELLED_REASON_PREFIX)) return;
      logger[final ? 'error' : 'warn'](
        {
          jobId: job.id,
          job: job.name,
          attempt: job.attemptsMade,
          err: error.message,
        },
        final ? 'job failed for good' : 'job attempt failed; will retry',
      );
    });
    // A lost lock means another worker may already run this job: stop ours.
    worker.on('lockRenewalFailed', (jobIds) =>
      jobIds.forEach((id) => worker.cancelJob(id, 'lock lost')),
    );
    workersByQueue.set(queue, worker);
    return worker;
  });

  const listener = listenForCancellations({
    redis,
    prefix,
    logger,
    ...(options.cancelPollMs ? { pollMs: options.cancelPollMs } : {}),
    activeJobs: () =>
      [...active].map(([jobId, { queue }]) => ({ queue, jobId })),
    cancel: ({ queue, jobId, reason }) => {
      const here = active.get(jobId);
      if (!here || here.queue !== queue || cancelled.has(jobId)) return false;
      cancelled.set(jobId, reason);
      return workersByQueue.get(queue)?.cancelJob(jobId, reason) ?? false;
    },
  });

  return {
    workers,
    async ready() {
      await Promise.all(workers.map((w) => w.waitUntilReady()));
    },
    async close(graceMs = Infinity) {
      await listener.close();
      const graceful = Promise.all(workers.map((w) => w.close())).then(
        () => 'closed' as const,
      );
      if (!Number.isFinite(graceMs)) {
        await graceful;
        return [];
      }
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), graceMs);
      });
      const outcome = await Promise.race([graceful, deadline]);
      clearTimeout(timer);
      // BullMQ cannot force a close already under way (close(true) would await
      // the graceful one), so on timeout the caller simply exits: the jobs'
      // locks lapse and the stalled-job check re-queues them elsewhere.
      return outcome === 'closed' ? [] : [...active.keys()];
    },
  };
}
