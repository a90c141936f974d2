import {
  searchFields,
  type AnyRegistry,
  type JobDefaults,
  type JobLimits,
  type SearchField,
} from '@conveyor/core';
import { contractSchemas } from './dashboard/contract-schemas.ts';

/** One job as a client sees it before enqueueing: where it runs, how, and what it takes. */
export interface CatalogJob {
  name: string;
  queue: string;
  /** Attempts, backoff, timeout and retention, as the contract sets them. */
  defaults: JobDefaults;
  /** What an enqueue may ask of it: most attempts, idempotency window, payload size. */
  limits: JobLimits;
  /** JSON Schema of `data` (a `Date` is an ISO-8601 string), of the result and of progress. */
  input: object;
  result: object;
  progress: object;
  /** What `history.search` may filter this job by (`data.*`, `result.*`), with each field's kind. */
  searchFields: SearchField[];
}

/**
 * The registry's jobs, sorted by name. Its contract schedules stay out: they
 * carry a tenant and a payload, which are not every caller's to read.
 */
export function jobCatalog(registry: AnyRegistry): CatalogJob[] {
  const schemas = contractSchemas(registry);
  return registry.names
    .flatMap((name) => registry.get(name) ?? [])
    .map((job) => ({
      name: job.name,
      queue: job.queue,
      defaults: job.defaults,
      limits: job.limits,
      input: schemas[job.name]?.input ?? {},
      result: schemas[job.name]?.result ?? {},
      progress: schemas[job.name]?.progress ?? {},
      searchFields: [
        ...searchFields(job.input, 'data'),
        ...searchFields(job.result, 'result'),
      ],
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
