import superjson, { type SuperJSONResult } from 'superjson';
import { MalformedJobError } from './errors/index.ts';
import { NOT_PLAIN, plainJsonCopy } from './plain-json-copy.ts';
import type { MissedRunPolicy } from './schedule.ts';

export const ENVELOPE_VERSION = 1;

/**
 * What Conveyor stores as a BullMQ job's `data`. BullMQ keeps data as plain
 * JSON, which would turn a `Date` into a string; the payload is therefore
 * superjson-encoded (`{ json, meta }`), the same encoding the tRPC link uses,
 * so the processor receives exactly the value the producer validated.
 * `v` lets a later format be read side by side with this one; `tenantId` is
 * reserved for the tenancy work.
 */
export interface JobEnvelope {
  v: typeof ENVELOPE_VERSION;
  payload: SuperJSONResult;
  tenantId?: string;
  /**
   * The job's input version the payload was written with (see
   * `versions()`); absent on version 1, so envelopes of jobs that never
   * changed their input stay as they were.
   */
  pv?: number;
  /** On a schedule's jobs: what to do with a tick that came due while nothing ran. */
  missed?: MissedRunPolicy;
  /** Which run this is: absent (0) as enqueued, +1 per retry or redrive. */
  run?: number;
  /** The enqueue's trace context, when it was traced: the worker's span continues it. */
  trace?: EnvelopeTrace;
  /** 1 when the payload holds sealed (`sensitive()`) values: readers open them; others skip the walk. */
  s?: 1;
}

/**
 * W3C Trace Context (`traceparent`, `tracestate` header values), as plain
 * strings: the contract knows no tracing library, and any OpenTelemetry
 * propagator reads and writes these.
 */
export interface EnvelopeTrace {
  traceparent: string;
  tracestate?: string;
}

export function encodeEnvelope(
  payload: unknown,
  meta: {
    tenantId?: string;
    missed?: MissedRunPolicy;
    version?: number;
    sealed?: boolean;
  } = {},
): JobEnvelope {
  const envelope: JobEnvelope = {
    v: ENVELOPE_VERSION,
    payload: serialize(payload),
  };
  if (meta.tenantId !== undefined) envelope.tenantId = meta.tenantId;
  if (meta.missed !== undefined) envelope.missed = meta.missed;
  if (meta.version !== undefined && meta.version > 1)
    envelope.pv = meta.version;
  if (meta.sealed) envelope.s = 1;
  return envelope;
}

/** superjson's encoding; a plain-JSON payload skips its walk (same result: plain-json-copy.ts). */
function serialize(payload: unknown): SuperJSONResult {
  const json = plainJsonCopy(payload);
  return json === NOT_PLAIN
    ? superjson.serialize(payload)
    : { json: json as SuperJSONResult['json'] };
}

/** A decoded envelope: the payload, its tenant, and the input version it was written with (1 when unmarked). */
export interface DecodedEnvelope {
  payload: unknown;
  tenantId?: string;
  version: number;
  /** Whether the payload holds sealed values (`isSealed`). */
  sealed: boolean;
}

/**
 * The input version an envelope says it was written with, read without
 * decoding its payload (hot paths, listings): 1 when unmarked, null for
 * data that is no envelope or a `pv` that is no version.
 */
export function envelopeVersion(data: unknown): number | null {
  if (typeof data !== 'object' || data === null) return null;
  const { v, pv } = data as { v?: unknown; pv?: unknown };
  if (v !== ENVELOPE_VERSION) return null;
  if (pv === undefined) return 1;
  return Number.isSafeInteger(pv) && (pv as number) >= 1
    ? (pv as number)
    : null;
}

export function decodeEnvelope(data: unknown): DecodedEnvelope {
  if (typeof data !== 'object' || data === null) {
    throw new MalformedJobError('Job data is not a Conveyor envelope');
  }
  const envelope = data as Partial<JobEnvelope>;
  if (envelope.v !== ENVELOPE_VERSION) {
    throw new MalformedJobError(
      `Unsupported envelope version: ${JSON.stringify(envelope.v)}`,
    );
  }
  const version = envelope.pv ?? 1;
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new MalformedJobError(
      `Unsupported payload version: ${JSON.stringify(envelope.pv)}`,
    );
  }
  const payload = envelope.payload;
  if (typeof payload !== 'object' || payload === null || !('json' in payload)) {
    throw new MalformedJobError('Job envelope has no payload');
  }
  try {
    const decoded = {
      payload: superjson.deserialize(payload),
      version,
      sealed: envelope.s === 1,
    };
    return envelope.tenantId === undefined
      ? decoded
      : { ...decoded, tenantId: envelope.tenantId };
  } catch {
    throw new MalformedJobError('Job payload cannot be decoded');
  }
}
