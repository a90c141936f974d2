import {
  decodeEnvelope,
  encodeEnvelope,
  readStoredPayload,
  type JobEnvelope,
  type RuntimeJob,
} from '@conveyor/core';
import { encodeSealedEnvelope, openPayload } from '@conveyor/queue';

/**
 * A schedule's data at its job's current input version: one an older
 * release stored (not yet upcast at start) is upcast here; one with no
 * path, or of a newer release, stays as stored with its own version, so
 * no data is ever stamped with a version it was not written with.
 * `open`: its `sensitive()` values opened (to fire it); views pass false.
 */
export function readScheduleData(
  job: RuntimeJob | undefined,
  data: JobEnvelope,
  open = true,
): { payload: unknown; version: number } {
  try {
    if (job) {
      const read = readStoredPayload(
        job,
        data,
        open ? (sealed) => openPayload(job, 'data', sealed) : undefined,
      );
      if (read.kind === 'current')
        return { payload: read.payload, version: job.version };
    }
  } catch {
    // No path to the current version: kept as stored.
  }
  const { payload, version } = decodeEnvelope(data);
  return { payload, version };
}

/** A schedule's data as stored: its `sensitive()` values sealed. */
export function encodeScheduleData(
  job: RuntimeJob | undefined,
  data: unknown,
  meta: { tenantId: string },
): JobEnvelope {
  const withVersion = { ...meta, version: job?.version ?? 1 };
  return job
    ? encodeSealedEnvelope(job, data, withVersion)
    : encodeEnvelope(data, withVersion);
}
