import {
  JobNotFoundError,
  type AnyRegistry,
  type JobEvent,
  type QueueName,
} from '@conveyor/core';
import {
  compareStreamIds,
  parseStreamEntries,
  type JobEventHub,
  type StreamEvent,
} from './job-event-hub.ts';
import type { JobReader } from './job-reader.ts';
import {
  failedEvent,
  readJobSnapshot,
  type WatchEvent,
} from './job-snapshot.ts';
import { decodeStoredJson } from './to-job-view.ts';

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/** One event of a watch, with the stream id a client resumes after. */
export interface WatchedEvent<TRegistry extends AnyRegistry> {
  id: string;
  event: JobEvent<TRegistry>;
}

export interface WatchInput {
  id: string;
  lastEventId?: string | null | undefined;
}

/**
 * `jobs.watch`: progress, then exactly one terminal event. Every event
 * carries its stream id, so a client that reconnects with its last id
 * resumes after it: nothing lost, nothing repeated. The listener is
 * registered before anything is read, and stream ids order the rest.
 */
// eslint-disable-next-line max-params -- 5 params: watchJob an options object is a follow-up
export async function* watchJob<TRegistry extends AnyRegistry>(
  store: JobReader<TRegistry>,
  hub: JobEventHub,
  input: WatchInput,
  tenant: string,
  signal: AbortSignal | undefined,
): AsyncGenerator<WatchedEvent<TRegistry>> {
  const found = await store.find(input.id, tenant);
  if (!found) throw new JobNotFoundError(input.id);
  const watch = new JobWatch(store, found.queue, input, store.view(found).name);
  await watch.listen(hub, signal);
  try {
    yield* watch.events(signal);
  } finally {
    watch.stop();
  }
}

/** One watch's state: the listener's buffer, the cursor, and the three phases that read it. */
class JobWatch<TRegistry extends AnyRegistry> {
  private cursor = '0-0';
  private readonly buffered: StreamEvent[] = [];
  private wake: (() => void) | undefined;
  private cleanup: (() => void)[] = [];

  constructor(
    private readonly store: JobReader<TRegistry>,
    private readonly queue: QueueName,
    private readonly input: WatchInput,
    private readonly name: string,
  ) {}

  async listen(hub: JobEventHub, signal: AbortSignal | undefined) {
    const unsubscribe = await hub.subscribe(this.queue, this.input.id, (e) => {
      this.buffered.push(e);
      this.wake?.();
    });
    const onAbort = () => this.wake?.();
    signal?.addEventListener('abort', onAbort);
    this.cleanup = [
      unsubscribe,
      () => signal?.removeEventListener('abort', onAbort),
    ];
  }

  stop(): void {
    for (const undo of this.cleanup) undo();
  }

  async *events(signal: AbortSignal | undefined) {
    if (yield* this.start()) return;
    if (yield* this.backlog()) return;
    if (this.input.lastEventId && (yield* this.endedMeanwhile())) return;
    yield* this.live(signal);
  }

  /** The job as it is now (a fresh watch), or the client's cursor (a resume); true when it has ended. */
  private async *start() {
    if (this.input.lastEventId) {
      this.cursor = this.input.lastEventId;
      return false;
    }
    const now = await this.snapshot();
    this.cursor = now.streamId;
    if (now.terminal) {
      yield this.wrap(this.cursor, now.terminal);
      return true;
    }
    if (now.progress !== null)
      yield this.wrap(this.cursor, {
        type: 'progress',
        progress: now.progress,
      });
    return false;
  }

  /** What the stream holds after the cursor (a resume, or the gap before the listener's first event). */
  private async *backlog() {
    for (;;) {
      const entries = (await this.store.redis.xrange(
        this.store.keys.events(this.queue),
        `(${this.cursor}`,
        '+',
        'COUNT',
        1_000,
      )) as [string, string[]][];
      if (entries.length === 0) return false;
      for (const event of parseStreamEntries(this.queue, entries)) {
        this.cursor = event.id;
        if (event.jobId !== this.input.id) continue;
        if (yield* this.deliver(event)) return true;
      }
    }
  }

  /** The stream is trimmed (≈10k events per queue): if the job's end fell out, report it from the job. */
  private async *endedMeanwhile() {
    const now = await this.snapshot();
    if (!now.terminal) return false;
    const later = compareStreamIds(now.streamId, this.cursor) > 0;
    yield this.wrap(later ? now.streamId : this.cursor, now.terminal);
    return true;
  }

  /** Events as the listener hears them, in stream order, until the end or the caller leaves. */
  private async *live(signal: AbortSignal | undefined) {
    while (!signal?.aborted) {
      const event = this.buffered.shift();
      if (!event) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = undefined;
        continue;
      }
      if (compareStreamIds(event.id, this.cursor) <= 0) continue;
      this.cursor = event.id;
      if (yield* this.deliver(event)) return;
    }
  }

  /** Yields the event if watchers see it; true when it ends the job. */
  private async *deliver(event: StreamEvent) {
    const mapped = await this.toEvent(event);
    if (!mapped) return false;
    yield this.wrap(event.id, mapped);
    return TERMINAL.has(mapped.type);
  }

  /** Events of this job that end nothing or are not meant for watchers map to null. */
  private async toEvent(event: StreamEvent): Promise<WatchEvent | null> {
    const { fields } = event;
    switch (event.event) {
      case 'progress':
        return { type: 'progress', progress: decodeStoredJson(fields.data) };
      case 'completed':
        return {
          type: 'completed',
          result: decodeStoredJson(fields.returnvalue),
        };
      case 'failed':
        return failedEvent(fields.failedReason ?? '');
      case 'cancelled':
        return { type: 'cancelled', reason: fields.reason ?? '' };
      case 'removed': {
        // Conveyor's own cancel removes, then appends 'cancelled': wait for that one.
        const { cancellation } = this.store;
        const ours = await cancellation.hasSnapshot(this.queue, this.input.id);
        return ours ? null : { type: 'cancelled', reason: 'removed' };
      }
      default:
        return null;
    }
  }

  private snapshot() {
    const { redis, keys } = this.store;
    return readJobSnapshot(redis, keys, this.queue, this.input.id);
  }

  private wrap(id: string, event: WatchEvent): WatchedEvent<TRegistry> {
    const stamped = { jobId: this.input.id, name: this.name, ...event };
    return { id, event: stamped as unknown as JobEvent<TRegistry> };
  }
}
