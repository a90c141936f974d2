/** Where a page ended: the last row's (sort_at, id), opaque to callers. */
export interface HistoryCursor {
  at: Date;
  id: string;
}

export function encodeCursor(cursor: HistoryCursor): string {
  return Buffer.from(JSON.stringify([cursor.at.getTime(), cursor.id])).toString(
    'base64url',
  );
}

/** Years 0001–9999 are well inside both JavaScript's and PostgreSQL's range. */
const MAX_TIME_MS = 253_402_300_799_999;

/** Null for anything that is not a cursor this code made. */
export function decodeCursor(text: string): HistoryCursor | null {
  try {
    const value: unknown = JSON.parse(
      Buffer.from(text, 'base64url').toString(),
    );
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'number' &&
      // A time this code could have written: a valid Date PostgreSQL holds.
      Math.abs(value[0]) <= MAX_TIME_MS &&
      typeof value[1] === 'string' &&
      value[1].length <= 200 &&
      !value[1].includes('\u0000')
    )
      return { at: new Date(value[0]), id: value[1] };
  } catch {
    // not ours
  }
  return null;
}

/** A cursor this code did not make (a BAD_REQUEST for the API). */
export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
  constructor() {
    super('Invalid history cursor');
  }
}
