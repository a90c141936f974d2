export interface StartTracingOptions {
  /** `service.name` of every span; `OTEL_SERVICE_NAME` overrides it. */
  serviceName: string;
}

export interface Tracing {
  /** True when spans are exported (an OTLP endpoint is set). */
  readonly enabled: boolean;
  /** Exports the spans ended so far, and goes on tracing. */
  flush(): Promise<void>;
  /** Exports what is buffered, then stops; call it before the process exits. */
  shutdown(): Promise<void>;
}
