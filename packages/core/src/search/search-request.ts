import type { JobInput, JobResult } from '../define-job.ts';
import type { JobMap, JobName } from '../registry.ts';
import type { WhereFor } from './search-where.ts';

/** A job's `where`, from its input and result schemas. */
export type JobWhere<TMap extends JobMap, N extends JobName<TMap>> = WhereFor<
  JobInput<TMap[N]>,
  JobResult<TMap[N]>
>;

/**
 * Which job a search is about, and what its payload or result must hold.
 * Correlated by name: `where` takes only the fields of the job named (a
 * typo, or a field of another job, does not compile). Without a name there
 * is no schema to filter by, so no `where`.
 */
export type SearchTarget<TMap extends JobMap> =
  | {
      [N in JobName<TMap>]: { name: N; where?: JobWhere<TMap, N> };
    }[JobName<TMap>]
  | { name?: undefined; where?: undefined };
