import {
  CANCELLED_REASON_PREFIX,
  conveyorKeys,
  type AnyRegistry,
  type QueueName,
} from '@conveyor/jobs';
import { tracked, type TrackedEnvelope } from '@trpc/server';
import { JobNotFoundError } from './errors.ts';
import {
  compareStreamIds,
  parseStreamEntries,
  type JobEventHub,
  type StreamEvent,
} from './job-events.ts';
import type { JobStore } from './job-store.ts';
import { cleanReason, decodeOptional, type JobEvent } from './job-view.ts';

type Event = { type: string } & Record<string, unknown>;

/** The job's state read in one MULTI with the stream's last id: nothing can happen between the two. */
async function snapshot<TRegistry extends AnyRegistry>(
  store: JobStore<TRegistry>,
  queue: QueueName,
  id: string,
) {
  const bull = store.queue(queue);
  const replies = await store.redis
    .multi()
    .xrevrange(conveyorKeys.events(store.prefix, queue), '+', '-', 'COUNT', 1)
    .hmget(bull.toKey(id), 'progress', 'returnvalue', 'failedReason')
    .zscore(bull.toKey('completed'), id)
    .zscore(bull.toKey('failed'), id)
    .hget(conveyorKeys.cancelledJob(store.prefix, queue, id), 'reason')
    .exec();
  const [top, fields, completed, failed, cancelledReason] = (replies ?? []).map(
    ([, value]) => value,
  ) as [
    [string, string[]][],
    (string | null)[],
    string | null,
    string | null,
    string | null,
  ];
  const [progress, returnvalue, failedReason] = fields;
  const streamId = top[0]?.[0] ?? '0-0';
  let terminal: Event | null = null;
  if (cancelledReason !== null)
    terminal = { type: 'cancelled', reason: cancelledReason };
  else if (completed !== null)
    terminal = { type: 'completed', result: parseStored(returnvalue) };
  else if (failed !== null) terminal = failedEvent(failedReason ?? '');
  const current = progress ? parseStored(progress) : null;
  return { streamId, terminal, progress: current };
}

function parseStored(json: string | null | undefined): unknown {
  if (!json) return null;
  try {
    return decodeOptional(JSON.parse(json));
  } catch {
    return null;
  }
}

function failedEvent(reason: string): Event {
  return reason.startsWith(CANCELLED_REASON_PREFIX)
    ? { type: 'cancelled', reason: cleanReason(reason) ?? '' }
    : { type: 'failed', reason };
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/**
 * `jobs.watch`: progress, then exactly one terminal event. Every event is
 * tracked by its stream id, so a client that reconnects with its last id
 * resumes after it: nothing lost, nothing repeated. The listener is
 * registered before anything is read, and stream ids order the rest.
 */
export async function* watchJob<TRegistry extends AnyRegistry>(
  store: JobStore<TRegistry>,
  hub: JobEventHub,
  input: { id: string; lastEventId?: string | null | undefined },
  signal: AbortSignal | undefined,
): AsyncGenerator<TrackedEnvelope<JobEvent<TRegistry>>> {
  const found = await store.find(input.id);
  if (!found) throw new JobNotFoundError(input.id);
  const { queue } = found;
  const name = store.view(found).name;
  const base = { jobId: input.id, name };
  const wrap = (id: string, event: Event) =>
    tracked(id, { ...base, ...event } as unknown as JobEvent<TRegistry>);

  const buffered: StreamEvent[] = [];
  let wake: (() => void) | undefined;
  const unsubscribe = await hub.subscribe(queue, input.id, (event) => {
    buffered.push(event);
    wake?.();
  });
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);

  // Events of this job that end nothing or are not meant for watchers map to null.
  const toEvent = async (event: StreamEvent): Promise<Event | null> => {
    switch (event.event) {
      case 'progress':
        return { type: 'progress', progress: parseStored(event.fields.data) };
      case 'completed':
        return {
          type: 'completed',
          result: parseStored(event.fields.returnvalue),
        };
      case 'failed':
        return failedEvent(event.fields.failedReason ?? '');
      case 'cancelled':
        return { type: 'cancelled', reason: event.fields.reason ?? '' };
      case 'removed': {
        // Conveyor's own cancel removes, then appends 'cancelled': wait for that one.
        const ours = await store.redis.exists(
          conveyorKeys.cancelledJob(store.prefix, queue, input.id),
        );
        return ours ? null : { type: 'cancelled', reason: 'removed' };
      }
      default:
        return null;
    }
  };

  try {
    let cursor: string;
    if (input.lastEventId) {
      cursor = input.lastEventId;
    } else {
      const now = await snapshot(store, queue, input.id);
      cursor = now.streamId;
      if (now.terminal) {
        yield wrap(cursor, now.terminal);
        return;
      }
      if (now.progress !== null)
        yield wrap(cursor, { type: 'progress', progress: now.progress });
    }

    // Backlog: what the stream holds after the cursor (a resume, or the gap before the listener's first event).
    for (;;) {
      const entries = (await store.redis.xrange(
        conveyorKeys.events(store.prefix, queue),
        `(${cursor}`,
        '+',
        'COUNT',
        1_000,
      )) as [string, string[]][];
      if (entries.length === 0) break;
      for (const event of parseStreamEntries(queue, entries)) {
        cursor = event.id;
        if (event.jobId !== input.id) continue;
        const mapped = await toEvent(event);
        if (!mapped) continue;
        yield wrap(event.id, mapped);
        if (TERMINAL.has(mapped.type)) return;
      }
    }
    if (input.lastEventId) {
      // The stream is trimmed (≈10k events per queue): if the job's end fell out, report it from the job.
      const now = await snapshot(store, queue, input.id);
      if (now.terminal) {
        yield wrap(
          compareStreamIds(now.streamId, cursor) > 0 ? now.streamId : cursor,
          now.terminal,
        );
        return;
      }
    }

    while (!signal?.aborted) {
      const event = buffered.shift();
      if (!event) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
        continue;
      }
      if (compareStreamIds(event.id, cursor) <= 0) continue;
      cursor = event.id;
      const mapped = await toEvent(event);
      if (!mapped) continue;
      yield wrap(event.id, mapped);
      if (TERMINAL.has(mapped.type)) return;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    unsubscribe();
  }
}
