import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './history-cursor.ts';

describe('history cursors', () => {
  it('round-trips the last row’s time and id', () => {
    const cursor = { at: new Date('2026-11-20T10:00:00.123Z'), id: 'job:1' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it('refuses what it did not make', () => {
    expect(decodeCursor('garbage')).toBeNull();
    expect(decodeCursor(Buffer.from('[1,2]').toString('base64url'))).toBeNull();
    expect(
      decodeCursor(Buffer.from('{"at":1}').toString('base64url')),
    ).toBeNull();
  });
});
