import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJob } from './define-job.ts';
import { DEFAULT_DURABILITY, effectiveDurability } from './durability.ts';

const job = (durability?: { replicas: number; timeoutMs?: number }) =>
  defineJob({
    name: 'ledger.post',
    queue: 'default',
    input: z.strictObject({ entry: z.string() }),
    ...(durability ? { durability } : {}),
  });

describe('durability in the contract', () => {
  it('is null unless the job asks, and takes the default wait', () => {
    expect(job().durability).toBeNull();
    expect(job({ replicas: 2 }).durability).toEqual({
      replicas: 2,
      timeoutMs: DEFAULT_DURABILITY.timeoutMs,
    });
  });

  it('refuses what Redis cannot mean, naming the job and field', () => {
    expect(() => job({ replicas: -1 })).toThrow(
      /Job "ledger.post": durability.replicas/,
    );
    expect(() => job({ replicas: 1.5 })).toThrow(/durability.replicas/);
    expect(() => job({ replicas: 1, timeoutMs: 0 })).toThrow(
      /durability.timeoutMs/,
    );
  });

  it('the stricter of deployment and job wins', () => {
    const off = DEFAULT_DURABILITY;
    const one = { replicas: 1, timeoutMs: 500 };
    const two = { replicas: 2, timeoutMs: 200 };
    expect(effectiveDurability(off, null)).toBe(off);
    expect(effectiveDurability(off, one)).toBe(one);
    expect(effectiveDurability(one, { replicas: 0, timeoutMs: 10 })).toBe(one);
    expect(effectiveDurability(one, two)).toEqual({
      replicas: 2,
      timeoutMs: 500,
    });
  });
});
