import {
  decodeEnvelope,
  envelopeVersion,
  payloadView,
  redactSealed,
  type PayloadVersion,
  type RuntimeJob,
} from '@conveyor/core';

/** A job's contract by name (the registry's `get`). */
export type JobOf = (name: string) => RuntimeJob | undefined;

/**
 * Bull Board formats a job's data without its name, and which contract
 * reads a payload depends on the name: the adapter stamps it on (a symbol,
 * so it never shows and never serializes).
 */
const JOB_NAME = Symbol('conveyor.jobName');

/** The envelope as stored, with its job's name stamped on (data that is no object stays as it is). */
export function stampJobName(data: unknown, name: string): unknown {
  if (typeof data !== 'object' || data === null) return data;
  return { ...data, [JOB_NAME]: name };
}

/**
 * The payload the processor receives (upcast when stored with an older
 * input version); data that is no envelope, or an older payload with no
 * path, shows why, beside the raw value.
 */
export function boardData(data: unknown, jobOf?: JobOf): unknown {
  let decoded;
  try {
    decoded = decodeEnvelope(data);
  } catch (error) {
    return { dataError: (error as Error).message, raw: redactSealed(data) };
  }
  const view = payloadView(
    jobOf?.(nameOf(data)),
    decoded.payload,
    decoded.version,
  );
  return view.dataError === null
    ? view.data
    : { dataError: view.dataError, raw: redactSealed(decoded.payload) };
}

/** `stored as version 1 of 2` for a payload not of its contract's current version; null otherwise. */
export function boardVersionLine(data: unknown, jobOf?: JobOf): string | null {
  // Read off the envelope's mark: no payload decoded just for a line.
  const stored = envelopeVersion(data);
  if (stored === null) return null;
  const current = jobOf?.(nameOf(data))?.version ?? 1;
  return stored === current ? null : payloadVersionLine({ stored, current });
}

/** The sentence people read (the board; the CLI has its copy) for a payload's stored version. */
export function payloadVersionLine({
  stored,
  current,
}: PayloadVersion): string {
  return stored > current
    ? `stored as version ${stored}, newer than this contract's ${current}`
    : `stored as version ${stored} of ${current}`;
}

function nameOf(data: unknown): string {
  const name = (data as { [JOB_NAME]?: unknown })[JOB_NAME];
  return typeof name === 'string' ? name : '';
}
