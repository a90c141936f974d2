import { defineJob, defineRegistry, DEFAULT_TENANT } from '@conveyor/core';
import { QUEUES } from '@conveyor/fixtures';
import { deletePrefix, uniquePrefix, waitFor } from '@conveyor/testkit';
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-node';
import { UnrecoverableError } from 'bullmq';
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import {
  createKeyspace,
  createProducer,
  createRedisClient,
  createWorkerPool,
  tracerRegistered,
  type WorkerPool,
} from '../src/index.ts';

const redisUrl = inject('redisUrl');

const traced = defineJob({
  name: 'traced',
  queue: QUEUES.default,
  input: z.strictObject({ fail: z.boolean() }),
  result: z.strictObject({ ok: z.boolean() }),
  defaults: { attempts: 1 },
});
const tracedRegistry = defineRegistry([traced]);

// In the order written: the first test runs before an SDK is registered.
describe('tracing', () => {
  const redis = createRedisClient(redisUrl, { preset: 'worker' });
  const keys = createKeyspace(uniquePrefix('tracing'));
  const exporter = new InMemorySpanExporter();
  let provider: NodeTracerProvider | undefined;
  let pool: WorkerPool | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });
  afterAll(async () => {
    await provider?.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
    await deletePrefix(redisUrl, keys.prefix);
    redis.disconnect();
  });

  let untracedId = '';
  const newProducer = () =>
    createProducer({
      registry: tracedRegistry,
      redis,
      keys,
      tenantId: DEFAULT_TENANT,
    });

  it('adds nothing to the envelope without an OpenTelemetry SDK', async () => {
    expect(tracerRegistered()).toBe(false);
    const producer = newProducer();
    const { id } = await producer.enqueue({
      name: 'traced',
      data: { fail: false },
    });
    const job = await producer.queue('default').getJob(id);
    expect(job?.data).toBeDefined();
    expect(job?.data).not.toHaveProperty('trace');
    untracedId = id;
    await producer.close();
  });

  it('continues the caller’s trace through the enqueue, the wait and the attempt, to the processor’s own spans', async () => {
    provider = new NodeTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    provider.register();
    expect(tracerRegistered()).toBe(true);
    const producer = newProducer();
    const tracer = trace.getTracer('test');
    pool = createWorkerPool({
      registry: tracedRegistry,
      redis,
      keys,
      logger: pino({ level: 'silent' }),
      processors: {
        traced: ({ fail }) =>
          tracer.startActiveSpan('processor work', (span) => {
            span.end();
            return fail
              ? Promise.reject(new UnrecoverableError('told to fail'))
              : Promise.resolve({ ok: true });
          }),
      },
    });
    const ids = await tracer.startActiveSpan('caller', async (span) => {
      const ok = await producer.enqueue({
        name: 'traced',
        data: { fail: false },
      });
      const failed = await producer.enqueue({
        name: 'traced',
        data: { fail: true },
      });
      span.end();
      return [ok.id, failed.id];
    });
    const stored = await producer.queue('default').getJob(ids[0] ?? '');
    expect((stored?.data as { trace?: unknown }).trace).toEqual({
      traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/),
    });

    await waitFor(
      () =>
        exporter
          .getFinishedSpans()
          .filter((s) => s.name === 'conveyor.process traced').length === 3 ||
        undefined,
      10_000,
    );
    const spans = exporter.getFinishedSpans();
    const caller = only(spans, (s) => s.name === 'caller');
    const traceId = caller.spanContext().traceId;
    // The job enqueued before the SDK was registered starts a trace of its own.
    const untraced = only(
      spans,
      (s) => s.attributes['conveyor.job.id'] === untracedId,
    );
    expect(parentOf(untraced)).toBeUndefined();
    const own = untraced.spanContext().traceId;
    expect(own).not.toBe(traceId);
    const rest = spans.filter((s) => s.spanContext().traceId !== own);
    expect(rest).toHaveLength(spans.length - 2); // its process span and its processor's
    expect(rest.every((s) => s.spanContext().traceId === traceId)).toBe(true);

    for (const [jobId, fail] of [
      [ids[0], false],
      [ids[1], true],
    ] as const) {
      const enqueue = only(
        spans,
        (s) =>
          s.name === 'conveyor.enqueue' &&
          s.attributes['conveyor.job.id'] === jobId,
      );
      expect(enqueue.kind).toBe(SpanKind.PRODUCER);
      expect(parentOf(enqueue)).toBe(caller.spanContext().spanId);
      const process = only(
        spans,
        (s) =>
          s.name === 'conveyor.process traced' &&
          s.attributes['conveyor.job.id'] === jobId,
      );
      expect(process.kind).toBe(SpanKind.CONSUMER);
      expect(parentOf(process)).toBe(enqueue.spanContext().spanId);
      expect(process.attributes).toMatchObject({
        'conveyor.job.name': 'traced',
        'messaging.destination.name': 'default',
        'conveyor.tenant': DEFAULT_TENANT,
        'conveyor.attempt': 1,
        'conveyor.outcome': fail ? 'failed' : 'completed',
      });
      expect(
        process.attributes['conveyor.queue.wait_ms'],
      ).toBeGreaterThanOrEqual(0);
      expect(process.status.code).toBe(
        fail ? SpanStatusCode.ERROR : SpanStatusCode.UNSET,
      );
      const wait = only(
        spans,
        (s) =>
          s.name === 'conveyor.wait' &&
          parentOf(s) === enqueue.spanContext().spanId,
      );
      // The wait ends at the attempt's start, a Date.now() in whole ms; the
      // process span's end comes from OpenTelemetry's performance clock,
      // which may trail Date.now() by under a millisecond.
      expect(toMs(wait.endTime)).toBeLessThanOrEqual(toMs(process.endTime) + 1);
      const work = only(
        spans,
        (s) =>
          s.name === 'processor work' &&
          parentOf(s) === process.spanContext().spanId,
      );
      expect(work).toBeDefined();
    }
    await producer.close();
  });
});

function only(
  spans: ReadableSpan[],
  match: (span: ReadableSpan) => boolean,
): ReadableSpan {
  const found = spans.filter(match);
  expect(found).toHaveLength(1);
  return found[0] as ReadableSpan;
}

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const toMs = ([s, ns]: [number, number]) => s * 1_000 + ns / 1e6;
