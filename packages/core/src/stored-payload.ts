import type { ZodError } from 'zod';
import { decodeEnvelope } from './envelope.ts';
import type { RuntimeJob } from './define-job.ts';
import { formatIssue, toPayloadIssues } from './errors/payload-issue.ts';
import { UpcastError } from './errors/upcast-error.ts';

/**
 * A stored job's payload as the current contract reads it:
 * - `current`: written with this version or an older one, upcast to this
 *   one (not yet checked against the current schema when it was current);
 * - `newer`: written with a version this contract does not know yet; the
 *   payload is as stored (a worker hands such a job back, a reader shows it
 *   as stored).
 */
export type StoredPayload =
  | { kind: 'current'; payload: unknown; storedVersion: number }
  | { kind: 'newer'; payload: unknown; storedVersion: number };

/**
 * Decodes a stored envelope and upcasts an older payload. Throws
 * `MalformedJobError` for data that is not an envelope, `UpcastError` for
 * an older payload that has no path to the current version.
 */
export function readStoredPayload(
  job: RuntimeJob,
  data: unknown,
  /** Opens sealed (`sensitive()`) values; called only when the envelope has some. */
  open?: (payload: unknown) => unknown,
): StoredPayload {
  const decoded = decodeEnvelope(data);
  const { version } = decoded;
  const payload =
    decoded.sealed && open ? open(decoded.payload) : decoded.payload;
  if (version > job.version)
    return { kind: 'newer', payload, storedVersion: version };
  if (version === job.version)
    return { kind: 'current', payload, storedVersion: version };
  return {
    kind: 'current',
    payload: upcastPayload(job, payload, version),
    storedVersion: version,
  };
}

/**
 * Takes a payload of `fromVersion` through every later version: each step
 * parses with the schema the payload was written with, then applies the
 * next version's upcaster; the end is parsed by the current schema, so the
 * value returned is what the processor receives.
 */
export function upcastPayload(
  job: RuntimeJob,
  payload: unknown,
  fromVersion: number,
): unknown {
  const steps = job.versions;
  let value = payload;
  for (let version = fromVersion; version < job.version; version += 1) {
    const parsed = steps[version - 1]!.schema.safeParse(value);
    if (!parsed.success)
      throw new UpcastError(
        job.name,
        version,
        `it does not fit version ${version}'s schema (${issuesOf(parsed.error)})`,
      );
    try {
      value = steps[version]!.upcast!(parsed.data);
    } catch (error) {
      throw new UpcastError(
        job.name,
        version,
        `the upcaster threw: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  const current = job.input.safeParse(value);
  if (!current.success)
    throw new UpcastError(
      job.name,
      job.version - 1,
      `the upcast value does not fit version ${job.version}'s schema (${issuesOf(current.error)})`,
    );
  return current.data;
}

/**
 * An input as a caller of any known version may send it: the current
 * schema first, then older versions newest first, upcast. A client built
 * before the last deploy keeps working; the issues reported are the current
 * schema's.
 */
export function parseAnyVersion(
  job: RuntimeJob,
  raw: unknown,
):
  | { success: true; data: unknown; version: number }
  | { success: false; error: ZodError } {
  const current = job.input.safeParse(raw);
  if (current.success || job.version === 1)
    return current.success
      ? { success: true, data: current.data, version: job.version }
      : { success: false, error: current.error };
  for (let version = job.version - 1; version >= 1; version -= 1) {
    if (!job.versions[version - 1]!.schema.safeParse(raw).success) continue;
    try {
      return { success: true, data: upcastPayload(job, raw, version), version };
    } catch {
      // Fits an older shape but has no path: the current issues say why.
    }
  }
  return { success: false, error: current.error };
}

function issuesOf(error: ZodError): string {
  return toPayloadIssues(error).map(formatIssue).join('; ');
}
