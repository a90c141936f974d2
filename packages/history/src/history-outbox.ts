import { leanPipeline, type Keyspace } from '@conveyor/queue';
import type { Redis } from 'ioredis';
import superjson from 'superjson';
import { superjsonStringify } from './plain-json.ts';
import type { Transition } from './transition.ts';

/** The stream entry's one field: the transition, superjson-encoded (a result's Dates survive). */
export const OUTBOX_FIELD = 't';

export function encodeTransition(t: Transition): string {
  return superjsonStringify(t as unknown as Record<string, unknown>);
}

export function decodeTransition(text: string): Transition {
  return superjson.parse<Transition>(text);
}

/**
 * Where transitions wait for PostgreSQL: one Redis stream, so they are as
 * durable as the jobs themselves while PostgreSQL is slow or down. Appends
 * made in the same turn of the event loop share one pipeline (a busy
 * worker reports many per turn); each caller awaits its own, so a
 * transition is in Redis before the job's outcome is recorded.
 */
export class HistoryOutbox {
  private pending: Transition[] = [];
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keyspace,
  ) {}

  append(transitions: Transition | readonly Transition[]): Promise<void> {
    if (Array.isArray(transitions))
      this.pending.push(...(transitions as readonly Transition[]));
    else this.pending.push(transitions as Transition);
    this.flushing ??= new Promise<void>((resolve, reject) =>
      setImmediate(() => {
        this.flushing = undefined;
        this.flush().then(resolve, reject);
      }),
    );
    return this.flushing;
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const stream = this.keys.historyStream();
    const pipeline = leanPipeline(this.redis);
    for (const t of batch)
      pipeline.xadd(stream, '*', OUTBOX_FIELD, encodeTransition(t));
    const replies = (await pipeline.exec()) ?? [];
    const failed = replies.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
  }
}
