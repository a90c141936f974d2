import {
  encodeEnvelope,
  type MissedRunPolicy,
  type RuntimeJob,
} from '@conveyor/core';
import type { JobSchedulerTemplateOptions } from 'bullmq';
import { toJobsOptions } from '@conveyor/queue';

/**
 * What each job a schedule fires looks like: the job's name, its data in an
 * envelope stamped with the tenant and the missed-run policy, and the job's
 * contract defaults (attempts, backoff, retention), as an enqueue would get.
 */
export function scheduleTemplate(
  job: RuntimeJob,
  data: unknown,
  meta: { tenantId: string; missed: MissedRunPolicy },
): {
  name: string;
  data: ReturnType<typeof encodeEnvelope>;
  opts: JobSchedulerTemplateOptions;
} {
  const {
    jobId: _id,
    timestamp: _at,
    ...opts
  } = toJobsOptions(job, undefined, '', 0);
  return {
    name: job.name,
    data: encodeEnvelope(data, { ...meta, version: job.version }),
    opts,
  };
}
