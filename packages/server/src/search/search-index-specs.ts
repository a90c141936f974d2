import type { AnyRegistry } from '@conveyor/core';
import type { SearchIndexSpec } from '@conveyor/history';

/** The range indexes a registry's jobs declare (`defineJob({ searchIndexes })`). */
export function searchIndexSpecs(registry: AnyRegistry): SearchIndexSpec[] {
  return registry.names.flatMap((job) =>
    (registry.get(job)?.searchIndexes ?? []).map((field) => ({ job, field })),
  );
}
