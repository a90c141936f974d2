import type { RuntimeJob } from './define-job.ts';
import type { PayloadVersion } from './job-view.ts';
import { redactSealed } from './sensitive/sealed-value.ts';
import { upcastPayload } from './stored-payload.ts';

/**
 * A stored payload as a read shows it: what the processor will receive
 * (upcast when older), or null with why when it cannot be, and which
 * version it was stored with (only when versions are in play).
 */
export type PayloadView = (
  { data: unknown; dataError: null } | { data: null; dataError: string }
) & { payloadVersion?: PayloadVersion };

/**
 * `payload` as decoded from its envelope (or history), written with
 * `storedVersion`. Without the job's definition (a name this contract does
 * not know) it is shown as stored. Sealed (`sensitive()`) values show as
 * `[sensitive]`, unless `open` is given (a caller allowed to see them).
 * Never throws: a read shows a broken payload, it does not fail on it.
 */
export function payloadView(
  job: RuntimeJob | undefined,
  stored: unknown,
  storedVersion: number,
  open?: (payload: unknown) => unknown,
): PayloadView {
  let payload: unknown;
  try {
    payload = shownSealed(job, stored, open);
  } catch (error) {
    return { data: null, dataError: (error as Error).message };
  }
  const current = job?.version ?? 1;
  const version =
    storedVersion === 1 && current === 1
      ? {}
      : { payloadVersion: { stored: storedVersion, current } };
  if (!job || storedVersion >= current)
    return { data: payload, dataError: null, ...version };
  try {
    return {
      data: upcastPayload(job, payload, storedVersion),
      dataError: null,
      ...version,
    };
  } catch (error) {
    return { data: null, dataError: (error as Error).message, ...version };
  }
}

/**
 * The version of a payload whose version was not recorded (history rows
 * written before it was): the current one when it fits the current schema,
 * else the first. Unversioned jobs are always version 1.
 */
export function guessStoredVersion(job: RuntimeJob, payload: unknown): number {
  if (job.version === 1) return 1;
  return job.input.safeParse(payload).success ? job.version : 1;
}

/** Only a job that marks fields (or one this contract does not know) pays for the walk. */
function shownSealed(
  job: RuntimeJob | undefined,
  payload: unknown,
  open?: (payload: unknown) => unknown,
): unknown {
  if (job && job.sensitive.data.length === 0) return payload;
  return open ? open(payload) : redactSealed(payload);
}

/** A result as readers see it: sealed values redacted unless `open` is given. */
export function resultView(
  job: RuntimeJob | undefined,
  result: unknown,
  open?: (result: unknown) => unknown,
): unknown {
  if (job && job.sensitive.result.length === 0) return result;
  return open ? open(result) : redactSealed(result);
}
