import { collectDefaultMetrics, Registry } from 'prom-client';
import type {
  MetricsRegistry,
  MetricsRegistryOptions,
} from './metrics-options.ts';

/**
 * A registry of the service's own: several services (or tests) in one
 * process never share series, and nothing registers globally behind a
 * caller's back.
 */
export function createMetricsRegistry(
  options: MetricsRegistryOptions,
): MetricsRegistry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.processMetrics ?? true)
    collectDefaultMetrics({ register: registry });
  return registry;
}
