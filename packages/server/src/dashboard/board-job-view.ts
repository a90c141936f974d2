import { envelopeTenant } from '@conveyor/queue';
import type { Job } from 'bullmq';

/** What the board is told about one job's stored fields (`Job#toJSON`). */
type JobFields = ReturnType<Job['toJSON']>;

/** BullMQ scores a delayed job `runAt * 0x1000 + sequence`. */
const DELAYED_SCORE_SHIFT = 0x1000;

/**
 * A delayed job as the board should show it. BullMQ keeps the wait of a
 * retry (a ladder step, a RetryLaterError's delay) in `delay` but not when
 * it started, so Bull Board reads `timestamp + delay` as "will run at" and
 * marks it "delay changed; run time unknown". The run time is the job's
 * score in the delayed set: given that, the delay shown is the wait from
 * when the job was added, and the board's sum is right.
 */
export function withRunAt(fields: JobFields, score: string | null): JobFields {
  if (score === null) return fields;
  const runAt = Math.floor(Number(score) / DELAYED_SCORE_SHIFT);
  if (!Number.isFinite(runAt) || runAt <= 0) return fields;
  const delay = Math.max(0, runAt - fields.timestamp);
  return { ...fields, delay, opts: { ...fields.opts, delay } };
}

/**
 * For a viewer of `tenant`: another tenant's job keeps its id, name and
 * state (the board counts whole queues) but not its payload, result,
 * progress or error, which are that tenant's.
 */
export function forTenant(fields: JobFields, tenant: string): JobFields {
  if (envelopeTenant(fields.data) === tenant) return fields;
  return {
    ...fields,
    // The data formatter hides the payload; it needs the envelope's tenant.
    returnvalue: null,
    progress: 0,
    failedReason: fields.failedReason ? "another tenant's job" : '',
    stacktrace: [],
  };
}

/** The job with `toJSON` answering `fields`; everything else is the job's own. */
export function presentedAs<T extends Job>(job: T, fields: JobFields): T {
  return new Proxy(job, {
    get: (target, key) =>
      key === 'toJSON' ? () => fields : Reflect.get(target, key, target),
  });
}
