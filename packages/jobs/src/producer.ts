import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { JobResult } from './define-job.ts';
import { encodeEnvelope } from './envelope.ts';
import {
  InvalidPayloadError,
  QueueUnavailableError,
  UnknownJobError,
  toPayloadIssues,
} from './errors.ts';
import type { QueueName } from './queues.ts';
import type { AnyRegistry, EnqueueRequestInput, JobName } from './registry.ts';

/** BullMQ key prefix shared by producers and workers. */
export const DEFAULT_PREFIX = 'conveyor';
/** An enqueue that has not reached Redis by then fails rather than hang a request. */
export const DEFAULT_ENQUEUE_TIMEOUT_MS = 1_500;

export interface ProducerOptions<TRegistry extends AnyRegistry> {
  registry: TRegistry;
  /**
   * An ioredis instance (shared by every queue) or options. For a request
   * path, pass a fail-fast client (`enableOfflineQueue: false`): commands then
   * fail at once while Redis is down instead of piling up in memory.
   */
  connection: ConnectionOptions;
  prefix?: string;
  timeoutMs?: number;
  /** Connection-level errors from BullMQ; without a listener they would crash the process. */
  onError?: (error: Error) => void;
}

export interface EnqueueResult<TName extends string = string> {
  id: string;
  name: TName;
  queue: QueueName;
}

type Jobs<TRegistry extends AnyRegistry> = TRegistry['jobs'];
export type RegistryJobName<TRegistry extends AnyRegistry> = JobName<
  Jobs<TRegistry>
>;
export type RegistryResult<
  TRegistry extends AnyRegistry,
  TName extends RegistryJobName<TRegistry>,
> = JobResult<Jobs<TRegistry>[TName]>;

export interface Producer<TRegistry extends AnyRegistry> {
  /**
   * Validates `data` with the job's schema, applies the job's defaults and adds
   * it to its queue. Throws `UnknownJobError`, `InvalidPayloadError` (nothing
   * enqueued) or `QueueUnavailableError`.
   */
  enqueue<TRequest extends EnqueueRequestInput<Jobs<TRegistry>>>(
    request: TRequest,
  ): Promise<EnqueueResult<TRequest['name']>>;
  /** The BullMQ queue behind a queue name, for administration (counts, lookups). */
  queue(name: QueueName): Queue;
  close(): Promise<void>;
}

export function createProducer<TRegistry extends AnyRegistry>(
  options: ProducerOptions<TRegistry>,
): Producer<TRegistry> {
  const { registry, connection } = options;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const timeoutMs = options.timeoutMs ?? DEFAULT_ENQUEUE_TIMEOUT_MS;
  const onError = options.onError ?? (() => undefined);
  const queues = new Map<QueueName, { queue: Queue; broken: boolean }>();

  function queue(name: QueueName): Queue {
    const existing = queues.get(name);
    if (existing && !existing.broken) return existing.queue;
    if (existing) void existing.queue.close().catch(() => undefined);
    const entry = {
      queue: new Queue(name, { connection, prefix }),
      broken: false,
    };
    entry.queue.on('error', onError);
    // BullMQ never retries a failed initialisation (e.g. Redis dropped during
    // its version check): replace such a queue on next use.
    entry.queue.waitUntilReady().catch(() => {
      entry.broken = true;
    });
    queues.set(name, entry);
    return entry.queue;
  }

  async function enqueue(request: { name: string; data: unknown }) {
    const job = registry.get(request.name);
    if (!job) throw new UnknownJobError(request.name);
    const parsed = job.input.safeParse(request.data);
    if (!parsed.success)
      throw new InvalidPayloadError(job.name, toPayloadIssues(parsed.error));
    const jobOptions: JobsOptions = { ...job.defaults };
    const added = await withDeadline(
      queue(job.queue).add(job.name, encodeEnvelope(parsed.data), jobOptions),
      timeoutMs,
    );
    if (added.id === undefined) throw new QueueUnavailableError();
    return { id: added.id, name: job.name, queue: job.queue };
  }

  return {
    enqueue,
    queue,
    async close() {
      const closing = [...queues.values()].map((entry) => entry.queue.close());
      queues.clear();
      await Promise.allSettled(closing);
    },
  };
}

/**
 * Any failure after validation is infrastructure: report it as unavailable,
 * keep the Redis detail in `cause`. A deadline also covers a Redis that
 * accepts the connection but does not answer.
 */
async function withDeadline<T>(
  work: Promise<T>,
  timeoutMs: number,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new QueueUnavailableError({
            cause: new Error(`No answer within ${timeoutMs} ms`),
          }),
        ),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } catch (error) {
    if (error instanceof QueueUnavailableError) throw error;
    throw new QueueUnavailableError({ cause: error });
  } finally {
    clearTimeout(timer);
  }
}
