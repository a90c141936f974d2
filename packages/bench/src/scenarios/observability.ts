import { fixtureRegistry as registry } from '@conveyor/fixtures';
import { createMetricsRegistry, jobMetrics } from '@conveyor/ops';
import { trace } from '@opentelemetry/api';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-node';
import type { Sample } from '../context.ts';
import type { Scenario } from '../scenario.ts';
import { drain, type PoolExtras } from './worker.ts';

/** Takes every span and drops it: the SDK's work is measured, not a network's. */
class DiscardingExporter implements SpanExporter {
  exported = 0;
  export(spans: ReadableSpan[], done: (result: { code: 0 }) => void): void {
    this.exported += spans.length;
    done({ code: 0 });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const CONCURRENCY = 100;

/**
 * 8. What metrics and tracing cost the worker: the Conveyor pool with both
 * off (the table's "raw" column) against the same pool with prom-client job
 * metrics and OpenTelemetry tracing on, every job sampled, spans batched to
 * an exporter that drops them (the table's "Conveyor" column).
 */
export const observabilityScenario: Scenario = {
  id: 8,
  title:
    'worker observability: Conveyor pool, metrics + tracing off (raw column) vs on (Conveyor column), c=100',
  goals: [],
  async run(ctx, order) {
    const count = ctx.quick ? 500 : 30_000;
    const run = { side: 'conveyor', concurrency: CONCURRENCY, count } as const;
    const samples: Sample[] = [];
    for (const side of order) {
      samples.push({
        metric: `jobs/s c=${CONCURRENCY}`,
        side,
        value:
          side === 'raw'
            ? await drain(ctx, { ...run, profileAs: side }, { tracing: false })
            : await withObservability((extras) =>
                drain(ctx, { ...run, profileAs: side }, extras),
              ),
      });
    }
    return samples;
  },
};

async function withObservability<T>(
  run: (extras: PoolExtras) => Promise<T>,
): Promise<T> {
  const provider = new NodeTracerProvider({
    spanProcessors: [new BatchSpanProcessor(new DiscardingExporter())],
  });
  trace.setGlobalTracerProvider(provider);
  const metrics = jobMetrics(createMetricsRegistry({ service: 'bench' }), {
    registry,
    tenantLabels: false,
  });
  try {
    return await run({
      observers: [metrics],
      tracing: true,
    });
  } finally {
    await provider.shutdown();
    trace.disable();
  }
}
