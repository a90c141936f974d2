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
import { TenantLedger } from '../tenancy/tenant-ledger.ts';

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
  const { registry, redis } = options;
  const keys = options.keys ?? createKeyspace();
  const ledger = new TenantLedger(redis, keys, registry.queues, options.limits);
  const writer = new JobWriter(
    redis,
    keys,
    ledger,
    options.timeoutMs ?? DEFAULT_ENQUEUE_TIMEOUT_MS,
    options.onError ?? (() => undefined),
  );
  const lookUp = (name: string) => {
    const job = registry.get(name);
    if (!job) throw new UnknownJobError(name);
    return job;
  };
  const one = (request: ParsedRequest, tenant: string) => {
    const now = Date.now();
    return writer.add(
      forTenant(prepareJob(lookUp(request.name), request, now), tenant),
    );
  };
  const many = (requests: ParsedRequest[], tenant: string) => {
    const now = Date.now();
    return writer.addAll(
      requests.map((r) =>
        forTenant(prepareJob(lookUp(r.name), r, now), tenant),
      ),
    );
  };
  return {
    enqueue: async (request: unknown) => {
      const name = (request as { name?: unknown }).name;
      const parsed = registry.enqueueRequest.safeParse(request);
      if (parsed.success)
        return one(parsed.data as ParsedRequest, options.tenantId);
      lookUp(String(name));
      throw new InvalidPayloadError(
        String(name),
        toPayloadIssues(parsed.error),
      );
    },
    enqueueMany: async (request: unknown) => {
      const parsed = registry.enqueueManyRequest.safeParse(request);
      if (parsed.success)
        return many(parsed.data.jobs as ParsedRequest[], options.tenantId);
      throw new InvalidPayloadError(
        'enqueueMany',
        toPayloadIssues(parsed.error),
      );
    },
    enqueueParsed: async (request: ParsedRequest, tenant: string) =>
      one(request, tenant),
    enqueueManyParsed: async (
      request: { jobs: ParsedRequest[] },
      tenant: string,
    ) => many(request.jobs, tenant),
    ledger,
    queue: (name: QueueName) => writer.queues.get(name),
    close: () => writer.queues.close(),
  } as unknown as Producer<TRegistry>;
}

/** A prepared job, stamped with its tenant (in the envelope, where readers and the worker find it). */
type TenantJob = PreparedJob & { tenant: string };

function forTenant(prepared: PreparedJob, tenant: string): TenantJob {
  return {
    ...prepared,
    envelope: { ...prepared.envelope, tenantId: tenant },
    tenant,
  };
}

/**
 * Writes prepared jobs: the idempotency claim, the tenant's admission
 * (quota and rate), the add with its index entry; under a deadline, and
 * undone step by step when a later step fails.
 */
class JobWriter {
  readonly queues: QueueCache;
  private readonly index: JobIndex;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keyspace,
    private readonly ledger: TenantLedger,
    private readonly timeoutMs: number,
    onError: (error: Error) => void,
  ) {
    this.queues = new QueueCache(redis, keys.prefix, onError);
    this.index = new JobIndex(redis, keys);
  }

  add(prepared: TenantJob): Promise<EnqueueResult> {
    const key = prepared.options?.idempotencyKey;
    const work = this.connected(prepared).then(() =>
      key === undefined
        ? this.admitted([prepared])
        : this.storeOnce(prepared, key),
    );
    return this.guarded(work.then(() => result(prepared)));
  }

  addAll(prepared: TenantJob[]): Promise<{ jobs: EnqueueResult[] }> {
    const work = this.connected(...prepared).then(() =>
      this.admitted(prepared),
    );
    return this.guarded(work.then(() => ({ jobs: prepared.map(result) })));
  }

  /**
   * A fail-fast connection rejects commands until it is ready; BullMQ's
   * `waitUntilReady` waits for that (within the deadline), so every step
   * after it runs on a ready connection.
   */
  private async connected(...prepared: TenantJob[]): Promise<void> {
    const [first] = prepared;
    if (first) await this.queues.get(first.job.queue).waitUntilReady();
  }

  /** Admits the jobs for their tenant, stores them, gives the admission back if storing fails. */
  private async admitted(
    prepared: TenantJob[],
    tenant = prepared[0]?.tenant ?? '',
  ): Promise<void> {
    const jobs = prepared.map((p) => ({ queue: p.job.queue, id: p.id }));
    await this.ledger.admit(tenant, jobs);
    try {
      await this.store(prepared, tenant);
    } catch (error) {
      await this.ledger.release(tenant, jobs).catch(() => undefined);
      throw error;
    }
  }

  /**
   * One queue: BullMQ's addBulk (one MULTI); several: childless flows (one
   * MULTI across queues). The index entries go out alongside: one round trip.
   * If the add fails, an index entry points at nothing and listing drops it.
   */
  private async store(prepared: TenantJob[], tenant: string): Promise<void> {
    const queues = [...new Set(prepared.map((p) => p.job.queue))];
    const items = prepared.map((p) => ({
      name: p.job.name,
      queueName: p.job.queue,
      data: p.envelope,
      opts: p.bullOptions,
    }));
    const [only] = queues;
    const bull = only && queues.length === 1 ? this.queues.get(only) : null;
    await Promise.all([
      prepared.length === 1 && bull
        ? bull.add(items[0]?.name ?? '', items[0]?.data, items[0]?.opts)
        : bull
          ? bull.addBulk(items)
          : this.queues.flowProducer().addBulk(items),
      ...queues.map((queue) =>
        this.index.record(
          queue,
          tenant,
          prepared
            .filter((p) => p.job.queue === queue)
            .map((p) => ({ id: p.id, createdAt: now(p.bullOptions) })),
        ),
      ),
    ]);
  }

  private async storeOnce(prepared: TenantJob, key: string): Promise<void> {
    const { id, job, envelope, tenant } = prepared;
    const target = {
      keys: this.keys,
      tenant,
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
    if (!claim.fresh) {
      prepared.id = claim.jobId; // the answer names the job the key stands for
      return;
    }
    try {
      await this.admitted([prepared]);
    } catch (error) {
      await releaseIdempotencyKey(this.redis, target, id).catch(
        () => undefined,
      );
      throw error;
    }
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

const result = (p: TenantJob): EnqueueResult => ({
  id: p.id,
  name: p.job.name,
  queue: p.job.queue,
});
