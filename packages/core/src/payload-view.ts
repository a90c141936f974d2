import type { RuntimeJob } from './define-job.ts';
import type { PayloadVersion } from './job-view.ts';
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
 * not know) it is shown as stored. Never throws: a read shows a broken
 * payload, it does not fail on it.
 */
export function payloadView(
  job: RuntimeJob | undefined,
  payload: unknown,
  storedVersion: number,
): PayloadView {
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
