import {
  JobNotFoundError,
  type AnyRegistry,
  type JobEvent,
  type QueueName,
} from '@conveyor/core';
import { parseFailedReason } from '../cancellation.ts';
import {
  compareStreamIds,
  parseStreamEntries,
  type JobEventHub,
  type StreamEvent,
} from './job-event-hub.ts';
import type { JobReader } from './job-reader.ts';
import { decodeStoredJson } from './to-job-view.ts';

type Event = { type: string } & Record<string, unknown>;

/** The job's state read in one MULTI with the stream's last id: nothing can happen between the two. */
async function snapshot<TRegistry extends AnyRegistry>(
  store: JobReader<TRegistry>,
  queue: QueueName,
  id: string,
) {
  const { keys } = store;
  const replies = await store.redis
    .multi()
    .xrevrange(keys.events(queue), '+', '-', 'COUNT', 1)
    .hmget(keys.bull(queue, id), 'progress', 'returnvalue', 'failedReason')
    .zscore(keys.bull(queue, 'completed'), id)
    .zscore(keys.bull(queue, 'failed'), id)
    .hget(keys.cancelledJob(queue, id), 'reason')
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

const parseStored = decodeStoredJson;

function failedEvent(failedReason: string): Event {
  const { cancelled, reason } = parseFailedReason(failedReason);
  return { type: cancelled ? 'cancelled' : 'failed', reason };
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/** One event of a watch, with the stream id a client resumes after. */
export interface WatchedEvent<TRegistry extends AnyRegistry> {
  id: string;
  event: JobEvent<TRegistry>;
}

/**
 * `jobs.watch`: progress, then exactly one terminal event. Every event
 * carries its stream id, so a client that reconnects with its last id
 * resumes after it: nothing lost, nothing repeated. The listener is
 * registered before anything is read, and stream ids order the rest.
 */
// eslint-disable-next-line max-lines-per-function, max-params -- 108 lines, 5 params: watchJob split pending (issue #18)
export async function* watchJob<TRegistry extends AnyRegistry>(
  store: JobReader<TRegistry>,
  hub: JobEventHub,
  input: { id: string; lastEventId?: string | null | undefined },
  tenant: string,
  signal: AbortSignal | undefined,
): AsyncGenerator<WatchedEvent<TRegistry>> {
  const found = await store.find(input.id, tenant);
  if (!found) throw new JobNotFoundError(input.id);
  const { queue } = found;
  const name = store.view(found).name;
  const base = { jobId: input.id, name };
  const wrap = (id: string, event: Event): WatchedEvent<TRegistry> => ({
    id,
    event: { ...base, ...event } as unknown as JobEvent<TRegistry>,
  });

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
        const ours = await store.cancellation.hasSnapshot(queue, input.id);
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
        store.keys.events(queue),
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
