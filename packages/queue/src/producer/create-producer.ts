import {
  ConveyorError,
  IdempotencyConflictError,
  InvalidPayloadError,
  QueueUnavailableError,
  UnknownJobError,
  toPayloadIssues,
  type AnyRegistry,
  type EnqueueOptions,
  type QueueName,
} from '@conveyor/jobs';
import type { Redis } from 'ioredis';
import { withDeadline } from '../deadline.ts';
import { createKeyspace, type Keyspace } from '../keyspace.ts';
import {
  claimIdempotencyKey,
  payloadHash,
  releaseIdempotencyKey,
} from './idempotency.ts';
import { JobIndex } from './job-index.ts';
import { prepareJob, type PreparedJob } from './prepare-job.ts';
import {
  DEFAULT_ENQUEUE_TIMEOUT_MS,
  type EnqueueResult,
  type Producer,
  type ProducerOptions,
} from './producer-options.ts';
import { QueueCache } from './queue-cache.ts';

interface ParsedRequest {
  name: string;
  data: unknown;
  options?: EnqueueOptions | undefined;
}

/**
 * Adds jobs to their queues. Public `enqueue`/`enqueueMany` validate with
 * the registry's schemas (in-process callers); the `…Parsed` entries take
 * what the API's tRPC input already parsed, so transforms run once per hop.
 */
export function createProducer<TRegistry extends AnyRegistry>(
  options: ProducerOptions<TRegistry>,
): Producer<TRegistry> {
  const { registry } = options;
  const writer = new JobWriter(
    options.redis,
    options.keys ?? createKeyspace(),
    options.timeoutMs ?? DEFAULT_ENQUEUE_TIMEOUT_MS,
    options.onError ?? (() => undefined),
  );
  const lookUp = (name: string) => {
    const job = registry.get(name);
    if (!job) throw new UnknownJobError(name);
    return job;
  };
  const one = (request: ParsedRequest) => {
    const now = Date.now();
    return writer.add(prepareJob(lookUp(request.name), request, now));
  };
  const many = (requests: ParsedRequest[]) => {
    const now = Date.now();
    return writer.addAll(
      requests.map((r) => prepareJob(lookUp(r.name), r, now)),
    );
  };
  return {
    enqueue: async (request: unknown) => {
      const name = (request as { name?: unknown }).name;
      const parsed = registry.enqueueRequest.safeParse(request);
      if (parsed.success) return one(parsed.data as ParsedRequest);
      lookUp(String(name));
      throw new InvalidPayloadError(
        String(name),
        toPayloadIssues(parsed.error),
      );
    },
    enqueueMany: async (request: unknown) => {
      const parsed = registry.enqueueManyRequest.safeParse(request);
      if (parsed.success) return many(parsed.data.jobs as ParsedRequest[]);
      throw new InvalidPayloadError(
        'enqueueMany',
        toPayloadIssues(parsed.error),
      );
    },
    enqueueParsed: async (request: ParsedRequest) => one(request),
    enqueueManyParsed: async (request: { jobs: ParsedRequest[] }) =>
      many(request.jobs),
    queue: (name: QueueName) => writer.queues.get(name),
    close: () => writer.queues.close(),
  } as unknown as Producer<TRegistry>;
}

/** Writes prepared jobs: the add, its index entry, its idempotency key, under a deadline. */
class JobWriter {
  readonly queues: QueueCache;
  private readonly index: JobIndex;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keyspace,
    private readonly timeoutMs: number,
    onError: (error: Error) => void,
  ) {
    this.queues = new QueueCache(redis, keys.prefix, onError);
    this.index = new JobIndex(redis, keys);
  }

  add(prepared: PreparedJob): Promise<EnqueueResult> {
    const key = prepared.options?.idempotencyKey;
    const work =
      key === undefined ? this.store(prepared) : this.storeOnce(prepared, key);
    return this.guarded(work);
  }

  addAll(prepared: PreparedJob[]): Promise<{ jobs: EnqueueResult[] }> {
    return this.guarded(this.storeAll(prepared));
  }

  private async store(prepared: PreparedJob): Promise<EnqueueResult> {
    const { id, job, envelope, bullOptions } = prepared;
    const bull = this.queues.get(job.queue);
    // A fail-fast connection rejects commands until it is ready; BullMQ's
    // add waits for that, the index write must too.
    await bull.waitUntilReady();
    // Both commands go out together: one round trip. If the add fails, the
    // index entry points at nothing and listing drops it when it meets it.
    await Promise.all([
      bull.add(job.name, envelope, bullOptions),
      this.index.record(job.queue, [{ id, createdAt: now(bullOptions) }]),
    ]);
    return { id, name: job.name, queue: job.queue };
  }

  private async storeOnce(
    prepared: PreparedJob,
    key: string,
  ): Promise<EnqueueResult> {
    const { id, job, envelope } = prepared;
    const target = {
      keys: this.keys,
      queue: job.queue,
      jobName: job.name,
      key,
    };
    const claim = await claimIdempotencyKey(this.redis, target, {
      jobId: id,
      payloadHash: payloadHash(envelope.payload),
      ttlMs: job.limits.idempotencyTtlMs,
    });
    if (!claim.samePayload) throw new IdempotencyConflictError(job.name);
    if (!claim.fresh)
      return { id: claim.jobId, name: job.name, queue: job.queue };
    try {
      return await this.store(prepared);
    } catch (error) {
      await releaseIdempotencyKey(this.redis, target, id).catch(
        () => undefined,
      );
      throw error;
    }
  }

  /** One queue: BullMQ's addBulk (one MULTI); several: childless flows (one MULTI across queues). */
  private async storeAll(
    prepared: PreparedJob[],
  ): Promise<{ jobs: EnqueueResult[] }> {
    const queues = [...new Set(prepared.map((p) => p.job.queue))];
    const items = prepared.map((p) => ({
      name: p.job.name,
      queueName: p.job.queue,
      data: p.envelope,
      opts: p.bullOptions,
    }));
    const [only] = queues;
    if (queues.length === 1 && only) await this.queues.get(only).addBulk(items);
    else await this.queues.flowProducer().addBulk(items);
    await Promise.all(
      queues.map((queue) =>
        this.index.record(
          queue,
          prepared
            .filter((p) => p.job.queue === queue)
            .map((p) => ({ id: p.id, createdAt: now(p.bullOptions) })),
        ),
      ),
    );
    return {
      jobs: prepared.map((p) => ({
        id: p.id,
        name: p.job.name,
        queue: p.job.queue,
      })),
    };
  }

  /**
   * Any failure after validation is infrastructure unless it is a Conveyor
   * error: report it as unavailable, keep the Redis detail in `cause`. The
   * deadline also covers a Redis that accepts a connection but never answers.
   */
  private async guarded<T>(work: Promise<T>): Promise<T> {
    try {
      return await withDeadline(work, this.timeoutMs);
    } catch (error) {
      if (error instanceof ConveyorError) throw error;
      throw new QueueUnavailableError({ cause: error });
    }
  }
}

const now = (options: { timestamp?: number }) =>
  options.timestamp ?? Date.now();
