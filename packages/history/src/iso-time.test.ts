import { describe, expect, it } from 'vitest';
import { isoTime } from './iso-time.ts';

describe('isoTime', () => {
  it('writes what toISOString writes', () => {
    const times = [
      0, -1, 1, 999, 86_399_999, 86_400_000, -86_400_001, 1_765_000_000_123,
      951_782_400_000, 253_402_300_799_999, 253_402_300_800_000,
      -62_198_755_200_000, -62_198_755_200_001, 8.64e15, -8.64e15,
    ];
    for (let i = 0; i < 2_000; i++)
      times.push(Math.floor((Math.random() - 0.3) * 1e14));
    for (const ms of times)
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });

  it('fails where toISOString fails, and truncates as Date does', () => {
    for (const ms of [Number.NaN, Infinity, 8.64e15 + 1])
      expect(() => isoTime(ms)).toThrow(RangeError);
    for (const ms of [1.7, -1.7, -0])
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });
});
