import type { EnvelopeTrace } from '@conveyor/core';
import {
  context,
  SpanKind,
  SpanStatusCode,
  type Attributes,
} from '@opentelemetry/api';
import type { EnqueueResult } from '../producer/producer-options.ts';
import { toEnvelopeTrace } from './envelope-trace.ts';
import { conveyorTracer, tracerRegistered } from './tracer.ts';

/** One enqueue call: a job, or a batch (`enqueueMany`). */
export interface EnqueueCall {
  tenant: string;
  /** The job's name and queue; absent for a batch. */
  job?: { name: string; queue: string };
  count: number;
}

type Sent = EnqueueResult | { jobs: EnqueueResult[] };

/**
 * Runs an enqueue call in a `conveyor.enqueue` span (kind PRODUCER), a child
 * of whatever span is active (the API's request), and hands `send` the
 * span's context to store in each envelope.
 */
export type TraceEnqueue = <T extends Sent>(
  call: EnqueueCall,
  send: (trace: EnvelopeTrace | undefined) => Promise<T>,
) => Promise<T>;

/** Null without an OpenTelemetry SDK: the producer then enqueues as if none existed. */
export function enqueueTracing(): TraceEnqueue | null {
  if (!tracerRegistered()) return null;
  const tracer = conveyorTracer();
  return (call, send) =>
    tracer.startActiveSpan(
      'conveyor.enqueue',
      { kind: SpanKind.PRODUCER, attributes: enqueueAttributes(call) },
      async (span) => {
        try {
          const sent = await send(toEnvelopeTrace(context.active()));
          if ('id' in sent) span.setAttribute('conveyor.job.id', sent.id);
          return sent;
        } catch (error) {
          span.setStatus({
            code: SpanStatusCode.ERROR,
            message: error instanceof Error ? error.message : String(error),
          });
          throw error;
        } finally {
          span.end();
        }
      },
    );
}

function enqueueAttributes({ tenant, job, count }: EnqueueCall): Attributes {
  const attributes: Attributes = {
    'messaging.system': 'conveyor',
    'messaging.operation.type': 'send',
    'conveyor.tenant': tenant,
  };
  if (job) {
    attributes['conveyor.job.name'] = job.name;
    attributes['messaging.destination.name'] = job.queue;
  } else attributes['messaging.batch.message_count'] = count;
  return attributes;
}
