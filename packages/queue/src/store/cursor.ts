import { InvalidCursorError } from '@conveyor/core';
import type { Redis } from 'ioredis';

/**
 * Opaque pagination cursors: a position (score, id) in a newest-first order.
 * Base64url JSON, so callers cannot come to depend on its shape.
 */
export interface Position {
  score: number;
  id: string;
}

export function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify([position.score, position.id])).toString(
    'base64url',
  );
}

/** Null for a cursor this server did not make. */
export function decodeCursor(cursor: string): Position | null {
  try {
    const value: unknown = JSON.parse(
      Buffer.from(cursor, 'base64url').toString(),
    );
    if (
      Array.isArray(value) &&
      typeof value[0] === 'number' &&
      typeof value[1] === 'string'
    ) {
      return { score: value[0], id: value[1] };
    }
  } catch {
    // fall through
  }
  return null;
}

/** The position a caller's cursor names; none without one, `InvalidCursorError` for a forged one. */
export function readCursor(cursor: string | undefined): Position | null {
  if (cursor === undefined) return null;
  const position = decodeCursor(cursor);
  if (!position) throw new InvalidCursorError();
  return position;
}

/** Newest first; ties broken by id, descending, so the order is total. */
export function isAfter(a: Position, b: Position): boolean {
  return a.score < b.score || (a.score === b.score && a.id < b.id);
}

/**
 * Reads a newest-first sorted set (one per queue) as one merged sequence,
 * strictly after `from`, in batches. Each yielded entry names its queue.
 */
export async function* mergedNewestFirst<TQueue extends string>(
  sources: readonly TQueue[],
  read: (queue: TQueue, maxScore: number, count: number) => Promise<Position[]>,
  from: Position | null,
  batch = 200,
): AsyncGenerator<Position & { queue: TQueue }> {
  let position = from;
  for (;;) {
    const max = position?.score ?? Number.POSITIVE_INFINITY;
    const pages = await Promise.all(
      sources.map(async (queue) => {
        // Ties at `max` were partly seen: read a little more so a full batch remains.
        const entries = await read(queue, max, batch + 50);
        const after = entries.filter((e) => !position || isAfter(e, position));
        return { queue, entries: after, full: entries.length === batch + 50 };
      }),
    );
    const merged = pages
      .flatMap((p) => p.entries.map((e) => ({ ...e, queue: p.queue })))
      .sort((a, b) => (isAfter(a, b) ? 1 : isAfter(b, a) ? -1 : 0));
    // Only entries newer than every full page's oldest entry are certainly in order.
    const floor = pages
      .filter((p) => p.full && p.entries.length > 0)
      .map((p) => p.entries[p.entries.length - 1] as Position)
      .reduce<Position | null>(
        (acc, e) => (acc === null || isAfter(acc, e) ? e : acc),
        null,
      );
    const safe = floor ? merged.filter((e) => !isAfter(e, floor)) : merged;
    if (safe.length === 0) return;
    for (const entry of safe) yield entry;
    position = safe[safe.length - 1] ?? position;
    if (!pages.some((p) => p.full)) return;
  }
}

/** A page of a sorted set, highest score first, at or below `max` (and at or above `min`). */
// eslint-disable-next-line max-params -- 5 params: readSortedSet options object pending (issue #18)
export async function readSortedSet(
  redis: Redis,
  key: string,
  max: number,
  count: number,
  min: number | '-inf' = '-inf',
): Promise<Position[]> {
  const flat = await redis.zrevrangebyscore(
    key,
    Number.isFinite(max) ? max : '+inf',
    min,
    'WITHSCORES',
    'LIMIT',
    0,
    count,
  );
  const entries: Position[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    entries.push({ id: flat[i] as string, score: Number(flat[i + 1]) });
  }
  return entries;
}
