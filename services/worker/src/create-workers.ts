import {
  DEFAULT_PREFIX,
  decodeEnvelope,
  encodeEnvelope,
  toPayloadIssues,
  type AnyRegistry,
  type QueueName,
} from '@conveyor/jobs';
import {
  UnrecoverableError,
  Worker,
  type ConnectionOptions,
  type Job,
} from 'bullmq';
import type { Logger } from 'pino';
import type { ProcessorContext, ProcessorMap } from './processor.ts';

export interface WorkerPoolOptions<TRegistry extends AnyRegistry> {
  registry: TRegistry;
  processors: ProcessorMap<TRegistry>;
  /** Blocking commands need `maxRetriesPerRequest: null` on an ioredis instance you pass. */
  connection: ConnectionOptions;
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

/** One BullMQ Worker per queue; each job is routed by name to its processor. */
export function createWorkerPool<TRegistry extends AnyRegistry>(
  options: WorkerPoolOptions<TRegistry>,
): WorkerPool {
  const { registry, logger } = options;
  // Routed by a name read from Redis: past the type-checked map, a processor
  // takes whatever its schema parsed.
  const processors = options.processors as unknown as Record<
    string,
    | ((payload: unknown, context: ProcessorContext) => Promise<unknown>)
    | undefined
  >;
  const queues = options.queues?.length ? options.queues : registry.queues;
  const active = new Map<string, string>(); // job id → name, for the shutdown report

  async function run(
    job: Job,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    const log = logger.child({
      jobId: job.id,
      job: job.name,
      attempt: job.attemptsMade + 1,
    });
    const definition = registry.get(job.name);
    const processor = Object.hasOwn(processors, job.name)
      ? processors[job.name]
      : undefined;
    if (!definition || !processor) {
      log.error('no processor for this job name; failing without retry');
      throw new UnrecoverableError(`No processor for job "${job.name}"`);
    }
    let payload: unknown;
    try {
      payload = decodeEnvelope(job.data).payload;
    } catch (error) {
      log.error(
        { reason: (error as Error).message },
        'malformed job data; failing without retry',
      );
      throw new UnrecoverableError((error as Error).message);
    }
    // Re-validate: the data may predate a schema change or not come from a Conveyor producer.
    const parsed = definition.input.safeParse(payload);
    if (!parsed.success) {
      const issues = toPayloadIssues(parsed.error);
      log.error({ issues }, 'invalid payload; failing without retry');
      throw new UnrecoverableError(
        `Invalid payload: ${issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
      );
    }
    const jobId = job.id ?? '';
    active.set(jobId, job.name);
    try {
      const result: unknown = await processor(parsed.data, {
        jobId,
        attempt: job.attemptsMade + 1,
        attempts: job.opts.attempts ?? 1,
        logger: log,
        signal: signal ?? new AbortController().signal,
      });
      const checked = definition.result.safeParse(result);
      if (!checked.success) {
        log.error(
          { issues: toPayloadIssues(checked.error) },
          'processor returned a result its contract does not allow',
        );
        throw new UnrecoverableError(
          'Processor result does not match the job contract',
        );
      }
      // Stored like payloads, so a Date in a result stays a Date for readers.
      return encodeEnvelope(checked.data);
    } finally {
      active.delete(jobId);
    }
  }

  const workers = queues.map((queue) => {
    const worker = new Worker(
      queue,
      (job, _token, signal) => run(job, signal),
      {
        connection: options.connection,
        prefix: options.prefix ?? DEFAULT_PREFIX,
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
    return worker;
  });

  return {
    workers,
    async ready() {
      await Promise.all(workers.map((w) => w.waitUntilReady()));
    },
    async close(graceMs = Infinity) {
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
