import type { StartTracingOptions, Tracing } from './tracing-options.ts';

const OFF: Tracing = {
  enabled: false,
  flush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

/**
 * Registers an OpenTelemetry SDK that exports spans by OTLP over HTTP
 * (JSON), when `OTEL_EXPORTER_OTLP_ENDPOINT` (or `…_TRACES_ENDPOINT`) is
 * set and `OTEL_SDK_DISABLED` is not `true`. Otherwise nothing is loaded or
 * registered, and the producer and the worker pool make no spans at all.
 * The SDK reads the rest of its standard variables itself:
 * `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_SAMPLER(_ARG)`,
 * `OTEL_BSP_*`, `OTEL_EXPORTER_OTLP_HEADERS`. Call it first in `main`, before
 * the producer or pool is made.
 */
export async function startTracing(
  options: StartTracingOptions,
): Promise<Tracing> {
  // Read here and by the SDK alike: the standard variables, not Conveyor's own.
  const env = process.env;
  const endpoint =
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint || env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true')
    return OFF;
  // Loaded only when used: off, tracing costs no start-up time either.
  const [sdk, { OTLPTraceExporter }, resources] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const resource = resources
    .defaultResource()
    .merge(
      resources.resourceFromAttributes({ 'service.name': options.serviceName }),
    )
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const provider = new sdk.NodeTracerProvider({
    resource,
    spanProcessors: [new sdk.BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register();
  return {
    enabled: true,
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
