import { DeadlineExceededError } from './deadline.ts';

interface Entry {
  at: number;
  /** Dropped once settled: a settled entry waits for the head to pass it, and must not hold its promise (and the answer in it) that long. */
  reject: ((error: Error) => void) | undefined;
  done: boolean;
}

/**
 * `withDeadline` for many works of one deadline (`ms`), on one timer: a
 * timer per enqueue (created, inserted, cleared, raced) was a measurable
 * share of the producer's CPU. Works join in deadline order (one `ms`), so
 * the queue's head is the next to expire; settled ones leave from the head.
 * The timer is armed only while some work is pending, as a timer per work
 * would be.
 */
export class DeadlineQueue {
  private entries: Entry[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly ms: number) {}

  /** Settles with `work`, or rejects with `DeadlineExceededError` after `ms`. */
  add<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: Entry = {
        at: performance.now() + this.ms,
        reject,
        done: false,
      };
      this.entries.push(entry);
      this.timer ??= setTimeout(this.expire, this.ms);
      work.then(
        (value) => {
          entry.done = true;
          entry.reject = undefined;
          resolve(value);
          this.trim();
        },
        (error: unknown) => {
          entry.done = true;
          entry.reject = undefined;
          // The work's own rejection, passed on as it is.
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
          reject(error);
          this.trim();
        },
      );
    });
  }

  /** Drops settled works from the head; none left pending, no timer. */
  private trim(): void {
    const { entries } = this;
    while (this.head < entries.length && entries[this.head]!.done)
      this.head += 1;
    if (this.head === entries.length) {
      this.entries = [];
      this.head = 0;
      clearTimeout(this.timer);
      this.timer = undefined;
    } else if (this.head > 1_024 && this.head * 2 > entries.length) {
      this.entries = entries.slice(this.head);
      this.head = 0;
    }
  }

  private readonly expire = (): void => {
    this.timer = undefined;
    const now = performance.now();
    const { entries } = this;
    const late: Entry[] = [];
    for (; this.head < entries.length; this.head += 1) {
      const entry = entries[this.head]!;
      if (entry.done) continue;
      if (entry.at > now) break;
      entry.done = true;
      late.push(entry);
    }
    this.trim();
    const next = this.entries[this.head];
    if (next) this.timer = setTimeout(this.expire, Math.max(1, next.at - now));
    for (const entry of late)
      entry.reject?.(new DeadlineExceededError(this.ms));
  };
}

const queues = new Map<number, DeadlineQueue>();

/** `withDeadline` on the shared timer of its `ms` (a few values per process: the enqueue deadlines). */
export function withSharedDeadline<T>(
  work: Promise<T>,
  ms: number,
): Promise<T> {
  let queue = queues.get(ms);
  if (!queue) {
    queue = new DeadlineQueue(ms);
    queues.set(ms, queue);
  }
  return queue.add(work);
}
