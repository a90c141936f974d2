import {
  decodeEnvelope,
  type AnyRegistry,
  type AttemptRecord,
  type JobView,
} from '@conveyor/core';
import {
  readHandBackRecord,
  type Found,
  type HandBackRecord,
  type JobReader,
} from '@conveyor/queue';

/**
 * What Redis holds of a job for its story, read once: the view `jobs.get`
 * gives (waitingFor included), BullMQ's attempt log and stacks, the
 * envelope's payload and trace, and the latest version hand-back.
 */
export interface LiveJob {
  view: JobView<AnyRegistry>;
  /** BullMQ's attempt log: each failed attempt, and the completing one of a retried job. */
  attempts: AttemptRecord[];
  /** BullMQ's stacks of failed attempts, oldest first (it keeps the last few). */
  stacks: string[];
  /** The delay the job was stored with (ms); 0 for none. */
  delayMs: number;
  traceparent: string | null;
  /** The stored payload, as the envelope holds it; null when it cannot be decoded. */
  stored: { version: number; data: unknown } | null;
  handBack: HandBackRecord | null;
}

/** The live half of a story; null when Redis holds no such job of this tenant. */
export async function readLiveJob(
  reader: JobReader<AnyRegistry>,
  id: string,
  tenant: string,
): Promise<LiveJob | null> {
  const found = await reader.find(id, tenant);
  if (!found) return null;
  const [waitingFor, attempts, handBack] = await Promise.all([
    reader.waitingFor(found),
    reader.attempts(found),
    readHandBackRecord(reader.redis, reader.keys.handBack(found.queue, id)),
  ]);
  return {
    view: reader.view(found, waitingFor),
    attempts,
    ...jobFacts(found),
    handBack,
  };
}

function jobFacts(
  found: Found,
): Pick<LiveJob, 'stacks' | 'delayMs' | 'traceparent' | 'stored'> {
  const data: unknown =
    found.kind === 'job' ? found.job.data : parseJson(found.snapshot.data);
  const trace = (data as { trace?: { traceparent?: unknown } } | null)?.trace;
  const job = found.kind === 'job' ? found.job : null;
  return {
    stacks: (job?.stacktrace ?? []).filter((s) => typeof s === 'string'),
    delayMs: job?.opts.delay ?? 0,
    traceparent:
      typeof trace?.traceparent === 'string' ? trace.traceparent : null,
    stored: storedPayload(data),
  };
}

function storedPayload(data: unknown): LiveJob['stored'] {
  try {
    const { payload, version } = decodeEnvelope(data);
    return { version, data: payload };
  } catch {
    return null;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
