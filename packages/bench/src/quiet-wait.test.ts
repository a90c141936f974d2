import { describe, expect, it } from 'vitest';
import type { NoiseReading } from './noise.ts';
import { isQuiet } from './quiet-wait.ts';

const reading = (other: number, steal: number): NoiseReading => ({
  seconds: 5,
  load1: 1,
  stealPercent: steal,
  busyPercent: other + 10,
  benchPercent: 10,
  otherPercent: other,
});

describe('isQuiet', () => {
  it('wants other processes under half the noise rule and steal under the rule', () => {
    expect(isQuiet(reading(1, 0))).toBe(true);
    expect(isQuiet(reading(6, 0))).toBe(false);
    expect(isQuiet(reading(1, 3))).toBe(false);
  });

  it('cannot judge without /proc and does not wait forever for it', () => {
    expect(
      isQuiet({ ...reading(0, 0), stealPercent: null, otherPercent: null }),
    ).toBe(true);
  });
});
