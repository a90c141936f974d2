import {
  context,
  createContextKey,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { Job } from 'bullmq';
import type { AttemptInfo, JobObserver } from '../worker/job-observer.ts';
import { fromEnvelopeTrace } from './envelope-trace.ts';
import { conveyorTracer } from './tracer.ts';

type ProcessJob = (
  job: Job,
  token: string | undefined,
  signal: AbortSignal | undefined,
) => Promise<unknown>;

/** The context the envelope carried: the wait span's parent, beside the process span. */
const ENQUEUE_CONTEXT = createContextKey('conveyor.enqueue-context');

export interface AttemptTracing {
  /**
   * BullMQ's processor callback, run in a `conveyor.process {name}` span
   * (kind CONSUMER) that continues the envelope's trace. Everything the
   * attempt does runs in that span's context, so a processor's own spans
   * (and its instrumented HTTP or database calls) nest under it.
   */
  wrap(process: ProcessJob): ProcessJob;
  /** Names the span's job, records the queue wait, and sets the outcome. */
  observer: JobObserver;
}

export function attemptTracing(): AttemptTracing {
  const tracer = conveyorTracer();
  return {
    wrap: (process) => (job, token, signal) => {
      const parent = fromEnvelopeTrace(job.data);
      const span = tracer.startSpan(
        `conveyor.process ${job.name}`,
        { kind: SpanKind.CONSUMER },
        parent,
      );
      const active = trace
        .setSpan(parent, span)
        .setValue(ENQUEUE_CONTEXT, parent);
      return context
        .with(active, () => process(job, token, signal))
        .finally(() => span.end());
    },
    observer: {
      beforeAttempt(info) {
        const span = trace.getActiveSpan();
        if (!span) return;
        span.setAttributes({
          'messaging.system': 'conveyor',
          'messaging.operation.type': 'process',
          'messaging.destination.name': info.queue,
          'conveyor.job.id': info.jobId,
          'conveyor.job.name': info.name,
          'conveyor.tenant': info.tenantId,
          'conveyor.run': info.run,
          'conveyor.attempt': info.attempt,
          'conveyor.attempts': info.attempts,
        });
        recordWait(tracer, span, info);
      },
      afterAttempt(_info, outcome) {
        const span = trace.getActiveSpan();
        if (!span) return;
        span.setAttribute('conveyor.outcome', outcome.kind);
        if (outcome.kind === 'cancelled' || outcome.kind === 'completed')
          return;
        span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error });
      },
    },
  };
}

/**
 * The time in the queue, as its own span (it shows in a trace's timeline)
 * and as a number on the attempt (to query and alert on).
 */
function recordWait(tracer: Tracer, span: Span, info: AttemptInfo): void {
  if (info.readyAt === undefined) return;
  const waitMs = Math.max(0, info.startedAt - info.readyAt);
  span.setAttribute('conveyor.queue.wait_ms', waitMs);
  const enqueued = context.active().getValue(ENQUEUE_CONTEXT) as
    Context | undefined;
  // Beside the attempt, under the enqueue: a job stored untraced has none.
  if (!enqueued || !trace.getSpanContext(enqueued)) return;
  tracer
    .startSpan(
      'conveyor.wait',
      {
        kind: SpanKind.INTERNAL,
        startTime: info.startedAt - waitMs,
        attributes: { 'messaging.destination.name': info.queue },
      },
      enqueued,
    )
    .end(info.startedAt);
}
