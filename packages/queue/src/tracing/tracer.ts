import { ProxyTracerProvider, trace, type Tracer } from '@opentelemetry/api';

/** The instrumentation scope of every span Conveyor makes. */
export const TRACER_NAME = '@conveyor/queue';

export function conveyorTracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

// The API's stand-in until an SDK registers: a proxy whose delegate is this no-op.
const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

/**
 * Whether an OpenTelemetry SDK is registered in this process (startTracing,
 * or the host's own). The producer and the worker pool ask once, when they
 * are made: without one they add nothing per job, not even no-op spans.
 */
export function tracerRegistered(): boolean {
  const provider = trace.getTracerProvider();
  return !(
    provider instanceof ProxyTracerProvider &&
    provider.getDelegate() === NOOP_PROVIDER
  );
}
