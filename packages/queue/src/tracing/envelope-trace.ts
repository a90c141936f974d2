import type { EnvelopeTrace } from '@conveyor/core';
import {
  propagation,
  ROOT_CONTEXT,
  type Context,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';

type Carrier = Partial<EnvelopeTrace>;

// Only the W3C trace-context keys: baggage, or another propagator's
// headers, have no place in a stored job.
const setter: TextMapSetter<Carrier> = {
  set(carrier, key, value) {
    if (key === 'traceparent' || key === 'tracestate') carrier[key] = value;
  },
};

const getter: TextMapGetter<Carrier> = {
  keys: () => ['traceparent', 'tracestate'],
  get: (carrier, key) =>
    key === 'traceparent' || key === 'tracestate' ? carrier[key] : undefined,
};

/** The trace context to store in an envelope, or undefined when `context` holds no span. */
export function toEnvelopeTrace(context: Context): EnvelopeTrace | undefined {
  const carrier: Carrier = {};
  propagation.inject(context, carrier, setter);
  const { traceparent, tracestate } = carrier;
  if (traceparent === undefined) return undefined;
  return tracestate ? { traceparent, tracestate } : { traceparent };
}

/**
 * The context an envelope's trace continues; the root context for a job
 * stored without one (or by another producer, with anything in `trace`).
 */
export function fromEnvelopeTrace(data: unknown): Context {
  const trace = (data as { trace?: unknown } | null)?.trace;
  if (typeof trace !== 'object' || trace === null) return ROOT_CONTEXT;
  const { traceparent, tracestate } = trace as Record<string, unknown>;
  if (typeof traceparent !== 'string') return ROOT_CONTEXT;
  const carrier: Carrier = { traceparent };
  if (typeof tracestate === 'string') carrier.tracestate = tracestate;
  return propagation.extract(ROOT_CONTEXT, carrier, getter);
}
