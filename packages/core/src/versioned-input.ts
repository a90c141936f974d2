import { z } from 'zod';
import type { PayloadSchema, RuntimeJob } from './define-job.ts';
import { parseAnyVersion } from './stored-payload.ts';

/**
 * A job's `data` as the enqueue request validates it: the input schema
 * itself for a job that never changed (the very object, at no cost), else
 * an input of any known version, upcast to the current one. A request
 * that fits no version is refused with the current schema's issues, as if
 * only that schema existed.
 */
export function requestData(job: RuntimeJob): PayloadSchema {
  if (job.version === 1) return job.input;
  return z.unknown().transform((raw, ctx) => {
    const parsed = parseAnyVersion(job, raw);
    if (parsed.success) return parsed.data;
    // The issues keep their paths, codes and messages (relative to `data`).
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue });
    return z.NEVER;
  });
}
