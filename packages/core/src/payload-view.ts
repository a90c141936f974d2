import type { RuntimeJob } from './define-job.ts';
import type { PayloadVersion } from './job-view.ts';
import { redactAt } from './sensitive/sealed-value.ts';
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
  const current = job?.version ?? 1;
  const version =
    storedVersion === 1 && current === 1
      ? {}
      : { payloadVersion: { stored: storedVersion, current } };
  let payload = stored;
  try {
    if (open && (!job || job.sensitive.data.length > 0)) payload = open(stored);
  } catch (error) {
    return { data: null, dataError: (error as Error).message, ...version };
  }
  const shown = (value: unknown) => (open ? value : redacted(job, value));
  if (!job || storedVersion >= current)
    return { data: shown(payload), dataError: null, ...version };
  try {
    return {
      data: shown(upcastPayload(job, payload, storedVersion)),
      dataError: null,
      ...version,
    };
  } catch (error) {
    // Sealed values the caller may not see cannot be upcast: shown as stored.
    if (!open && job.sensitive.data.length > 0)
      return { data: redacted(job, payload), dataError: null, ...version };
    return { data: null, dataError: (error as Error).message, ...version };
  }
}

/** `[sensitive]` at the job's paths (also over values stored before they were marked) and for any sealed value. */
function redacted(job: RuntimeJob | undefined, value: unknown): unknown {
  if (job && job.sensitive.data.length === 0) return value;
  return redactAt(value, job?.sensitive.data ?? []);
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

/** A result as readers see it: sealed values redacted unless `open` is given. */
export function resultView(
  job: RuntimeJob | undefined,
  result: unknown,
  open?: (result: unknown) => unknown,
): unknown {
  if (job && job.sensitive.result.length === 0) return result;
  return open ? open(result) : redactAt(result, job?.sensitive.result ?? []);
}
