import type { JobEnvelope, MissedRunPolicy, RuntimeJob } from '@conveyor/core';
import type { JobSchedulerTemplateOptions } from 'bullmq';
import { encodeSealedEnvelope, toJobsOptions } from '@conveyor/queue';

/**
 * What each job a schedule fires looks like: the job's name, its data in an
 * envelope stamped with the tenant and the missed-run policy, and the job's
 * contract defaults (attempts, backoff, retention), as an enqueue would get.
 * The data is stamped with the job's current input version unless
 * `meta.version` says it is of another (kept as a newer release stored it).
 */
export function scheduleTemplate(
  job: RuntimeJob,
  data: unknown,
  meta: { tenantId: string; missed: MissedRunPolicy; version?: number },
): {
  name: string;
  data: JobEnvelope;
  opts: JobSchedulerTemplateOptions;
} {
  const {
    jobId: _id,
    timestamp: _at,
    ...opts
  } = toJobsOptions(job, undefined, '', 0);
  return {
    name: job.name,
    // `version` only for data kept as another release stored it.
    data: encodeSealedEnvelope(job, data, { version: job.version, ...meta }),
    opts,
  };
}
