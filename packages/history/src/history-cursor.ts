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
      typeof value[1] === 'string'
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
