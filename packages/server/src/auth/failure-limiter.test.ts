import { describe, expect, it } from 'vitest';
import { FailureLimiter } from './failure-limiter.ts';

describe('FailureLimiter', () => {
  const at = (start = 0) => {
    const clock = { now: start };
    return { clock, now: () => clock.now };
  };

  it('refuses an address after its failures fill the window, until the window ends', () => {
    const { clock, now } = at(1_000);
    const limiter = new FailureLimiter({
      maxFailures: 3,
      windowMs: 60_000,
      now,
    });
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfterMs('10.0.0.1')).toBe(0);
      limiter.fail('10.0.0.1');
    }
    expect(limiter.retryAfterMs('10.0.0.1')).toBe(60_000);
    clock.now += 59_000;
    expect(limiter.retryAfterMs('10.0.0.1')).toBe(1_000);
    // Another address is not affected.
    expect(limiter.retryAfterMs('10.0.0.2')).toBe(0);
    clock.now += 1_000;
    expect(limiter.retryAfterMs('10.0.0.1')).toBe(0);
    limiter.fail('10.0.0.1'); // a new window: one failure
    expect(limiter.retryAfterMs('10.0.0.1')).toBe(0);
  });

  it('forgets the oldest window at its cap, so memory stays bounded', () => {
    const { clock, now } = at();
    const limiter = new FailureLimiter({
      maxFailures: 1,
      windowMs: 60_000,
      maxAddresses: 100,
      now,
    });
    for (let i = 0; i < 1_000; i++) {
      clock.now += 1;
      limiter.fail(`addr-${i}`);
    }
    expect(limiter.size).toBe(100);
    expect(limiter.retryAfterMs('addr-999')).toBeGreaterThan(0);
    expect(limiter.retryAfterMs('addr-0')).toBe(0);
  });
});
