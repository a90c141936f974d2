import { FlowProducer, Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { RuntimeJob } from './define-job.ts';
import { toJobsOptions, type EnqueueOptions } from './enqueue-options.ts';
import { encodeEnvelope, type JobEnvelope } from './envelope.ts';
import {
  IdempotencyConflictError,
  InvalidPayloadError,
  QueueUnavailableError,
  UnknownJobError,
  toPayloadIssues,
} from './errors.ts';
import {
  claimIdempotencyKey,
  payloadHash,
  releaseIdempotencyKey,
} from './idempotency.ts';
import { JobIndex } from './job-index.ts';
import type { QueueName } from './queues.ts';
import type {
  AnyRegistry,
  EnqueueManyRequestInput,
  EnqueueRequestInput,
} from './registry.ts';

/** BullMQ key prefix shared by producers and workers. */
export const DEFAULT_PREFIX = 'conveyor';
/** An enqueue that has not reached Redis by then fails rather than hang a request. */
export const DEFAULT_ENQUEUE_TIMEOUT_MS = 1_500;

export interface ProducerOptions<TRegistry extends AnyRegistry> {
  registry: TRegistry;
  /**
   * Shared by every queue. On a request path make it fail fast
   * (`enableOfflineQueue: false`): commands then fail at once while Redis is
   * down instead of piling up in memory.
   */
  redis: Redis;
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

export interface Producer<TRegistry extends AnyRegistry> {
  /**
   * Validates the request with the job's schema, applies the job's defaults
   * and the caller's options, and adds it to its queue. Throws
   * `UnknownJobError`, `InvalidPayloadError`, `IdempotencyConflictError`
   * (nothing enqueued) or `QueueUnavailableError`.
   */
  enqueue<TRequest extends EnqueueRequestInput<Jobs<TRegistry>>>(
    request: TRequest,
  ): Promise<EnqueueResult<TRequest['name']>>;
  /**
   * Validates every request first: if any is invalid nothing is enqueued and
   * the error's issues name each failing index (`[3, 'data', 'to']`).
   * Otherwise all are added in one atomic Redis transaction.
   */
  enqueueMany(
    request: EnqueueManyRequestInput<Jobs<TRegistry>>,
  ): Promise<{ jobs: EnqueueResult<Jobs<TRegistry>[string]['name']>[] }>;
  /** The BullMQ queue behind a queue name, for administration (counts, lookups). */
  queue(name: QueueName): Queue;
  close(): Promise<void>;
}

interface ParsedRequest {
  name: string;
  data: unknown;
  options?: EnqueueOptions | undefined;
}

interface PreparedJob {
  job: RuntimeJob;
  envelope: JobEnvelope;
  options: EnqueueOptions | undefined;
  opts: JobsOptions & { jobId: string };
}

export function createProducer<TRegistry extends AnyRegistry>(
  options: ProducerOptions<TRegistry>,
): Producer<TRegistry> {
  const { registry, redis } = options;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const timeoutMs = options.timeoutMs ?? DEFAULT_ENQUEUE_TIMEOUT_MS;
  const onError = options.onError ?? (() => undefined);
  const queues = new Map<QueueName, { queue: Queue; broken: boolean }>();
  const index = new JobIndex(redis, prefix);
  let flows: FlowProducer | undefined;

  function queue(name: QueueName): Queue {
    const existing = queues.get(name);
    if (existing && !existing.broken) return existing.queue;
    if (existing) void existing.queue.close().catch(() => undefined);
    const entry = {
      queue: new Queue(name, { connection: redis, prefix }),
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

  /** Validates one request (with the same schema the API uses). */
  function prepare(
    request: { name: string; data: unknown; options?: unknown },
    now: number,
  ): PreparedJob {
    const job = registry.get(request.name);
    if (!job) throw new UnknownJobError(request.name);
    const parsed = registry.enqueueRequest.safeParse(request);
    if (!parsed.success) {
      throw new InvalidPayloadError(job.name, toPayloadIssues(parsed.error));
    }
    return build(job, parsed.data, now);
  }

  /** A validated request, ready to add: its id, envelope and BullMQ options. */
  function build(
    job: RuntimeJob,
    request: ParsedRequest,
    now: number,
  ): PreparedJob {
    const jobId = randomUUID();
    return {
      job,
      envelope: encodeEnvelope(request.data),
      options: request.options,
      opts: { ...toJobsOptions(job, request.options, jobId, now), jobId },
    };
  }

  async function add(prepared: PreparedJob, createdAt: number) {
    const { job, envelope, opts } = prepared;
    const bull = queue(job.queue);
    // A fail-fast connection rejects commands until it is ready; BullMQ's
    // add waits for that, the index write must too.
    await bull.waitUntilReady();
    // Both commands go out together: one round trip. If the add fails, the
    // index entry points at nothing and listing drops it when it meets it.
    await Promise.all([
      bull.add(job.name, envelope, {
        ...opts,
        timestamp: createdAt,
      }),
      index.record(job.queue, [{ id: opts.jobId, createdAt }]),
    ]);
    return { id: opts.jobId, name: job.name, queue: job.queue };
  }

  async function enqueue(request: {
    name: string;
    data: unknown;
    options?: unknown;
  }) {
    const now = Date.now();
    const prepared = prepare(request, now);
    const key = prepared.options?.idempotencyKey;
    if (key === undefined) return withDeadline(add(prepared, now), timeoutMs);

    const { job, envelope, opts } = prepared;
    const target = { prefix, queue: job.queue, jobName: job.name, key };
    return withDeadline(
      (async () => {
        const claim = await claimIdempotencyKey(redis, target, {
          jobId: opts.jobId,
          payloadHash: payloadHash(envelope.payload),
          ttlMs: job.limits.idempotencyTtlMs,
        });
        if (!claim.samePayload) throw new IdempotencyConflictError(job.name);
        if (!claim.fresh)
          return { id: claim.jobId, name: job.name, queue: job.queue };
        try {
          return await add(prepared, now);
        } catch (error) {
          await releaseIdempotencyKey(redis, target, opts.jobId).catch(
            () => undefined,
          );
          throw error;
        }
      })(),
      timeoutMs,
    );
  }

  async function enqueueMany(request: {
    jobs: { name: string; data: unknown; options?: unknown }[];
  }) {
    const parsed = registry.enqueueManyRequest.safeParse(request);
    if (!parsed.success) {
      throw new InvalidPayloadError(
        'enqueueMany',
        toPayloadIssues(parsed.error),
      );
    }
    const now = Date.now();
    // Validated once, as a whole (issues carry each item's index).
    const prepared = (parsed.data.jobs as ParsedRequest[]).map((item) => {
      const job = registry.get(item.name);
      if (!job) throw new UnknownJobError(item.name);
      return build(job, item, now);
    });
    const byQueue = new Map<QueueName, PreparedJob[]>();
    for (const p of prepared) {
      byQueue.set(p.job.queue, [...(byQueue.get(p.job.queue) ?? []), p]);
    }
    const work = async () => {
      if (byQueue.size === 1) {
        // One queue: BullMQ's addBulk is a single MULTI.
        const [[name, items]] = [...byQueue] as [[QueueName, PreparedJob[]]];
        await queue(name).addBulk(
          items.map((p) => ({
            name: p.job.name,
            data: p.envelope,
            opts: { ...p.opts, timestamp: now },
          })),
        );
      } else {
        // Several queues: FlowProducer adds childless flows in one MULTI across queues.
        flows ??= new FlowProducer({ connection: redis, prefix });
        await flows.addBulk(
          prepared.map((p) => ({
            name: p.job.name,
            queueName: p.job.queue,
            data: p.envelope,
            opts: { ...p.opts, timestamp: now },
          })),
        );
      }
      await Promise.all(
        [...byQueue].map(([name, items]) =>
          index.record(
            name,
            items.map((p) => ({ id: p.opts.jobId, createdAt: now })),
          ),
        ),
      );
      return {
        jobs: prepared.map((p) => ({
          id: p.opts.jobId,
          name: p.job.name,
          queue: p.job.queue,
        })),
      };
    };
    return withDeadline(work(), timeoutMs);
  }

  return {
    enqueue,
    enqueueMany,
    queue,
    async close() {
      const closing = [...queues.values()].map((entry) => entry.queue.close());
      if (flows) closing.push(flows.close());
      queues.clear();
      await Promise.allSettled(closing);
    },
  } as Producer<TRegistry>;
}

/**
 * Any failure after validation is infrastructure (unless it is a Conveyor
 * error): report it as unavailable, keep the Redis detail in `cause`. A
 * deadline also covers a Redis that accepts the connection but does not answer.
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
    if (
      error instanceof IdempotencyConflictError ||
      error instanceof QueueUnavailableError
    )
      throw error;
    throw new QueueUnavailableError({ cause: error });
  } finally {
    clearTimeout(timer);
  }
}
