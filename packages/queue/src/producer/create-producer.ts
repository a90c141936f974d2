import {
  DEFAULT_DURABILITY,
  DurabilitySchema,
  InvalidPayloadError,
  UnknownJobError,
  toPayloadIssues,
  type AnyRegistry,
  type EnqueueOptions,
  type EnvelopeTrace,
  type QueueName,
} from '@conveyor/core';
import { createKeyspace } from '../keyspace.ts';
import { TenantLedger } from '../tenancy/tenant-ledger.ts';
import { enqueueTracing } from '../tracing/trace-enqueue.ts';
import { JobWriter } from './job-writer.ts';
import { forTenant } from './tenant-job.ts';
import { prepareJob } from './prepare-job.ts';
import {
  DEFAULT_ENQUEUE_TIMEOUT_MS,
  type Producer,
  type ProducerOptions,
} from './producer-options.ts';

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
  const writer = new JobWriter(redis, keys, ledger, {
    timeoutMs: options.timeoutMs ?? DEFAULT_ENQUEUE_TIMEOUT_MS,
    onError: options.onError ?? (() => undefined),
    durability: DurabilitySchema.parse({
      ...DEFAULT_DURABILITY,
      ...options.replicatedAck,
    }),
  });
  const { one, many } = parsedEntries(registry, writer);
  return {
    enqueue: async (request: unknown) => {
      const parsed = registry.enqueueRequest.safeParse(request);
      if (parsed.success)
        return one(parsed.data as ParsedRequest, options.tenantId);
      const name = String((request as { name?: unknown }).name);
      lookUp(registry, name);
      throw new InvalidPayloadError(name, toPayloadIssues(parsed.error));
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
    close: () => writer.close(),
  } as unknown as Producer<TRegistry>;
}

function lookUp(registry: AnyRegistry, name: string) {
  const job = registry.get(name);
  if (!job) throw new UnknownJobError(name);
  return job;
}

/** Enqueue of requests already parsed (by the API's tRPC input, or by `enqueue`), traced when an SDK is on. */
function parsedEntries(registry: AnyRegistry, writer: JobWriter) {
  // Asked once: without an OpenTelemetry SDK, an enqueue makes no span.
  const traced = enqueueTracing();
  const one = (request: ParsedRequest, tenant: string) => {
    const now = Date.now();
    const job = lookUp(registry, request.name);
    const send = (trace?: EnvelopeTrace) =>
      writer.add(forTenant(prepareJob(job, request, now, trace), tenant));
    return traced ? traced({ tenant, job, count: 1 }, send) : send();
  };
  const many = (requests: ParsedRequest[], tenant: string) => {
    const now = Date.now();
    const prepare = (r: ParsedRequest, trace?: EnvelopeTrace) =>
      forTenant(prepareJob(lookUp(registry, r.name), r, now, trace), tenant);
    const send = (trace?: EnvelopeTrace) =>
      writer.addAll(requests.map((r) => prepare(r, trace)));
    return traced ? traced({ tenant, count: requests.length }, send) : send();
  };
  return { one, many };
}
