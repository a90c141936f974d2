import { describe, expect, it } from 'vitest';
import { slotOwner, type ClusterSlotsEntry } from './slot-owner.ts';

// What `CLUSTER SLOTS` answers for three masters made by `redis-cli --cluster create`.
const slots: ClusterSlotsEntry[] = [
  [0, 5460, ['127.0.0.1', 7001, 'a']],
  [10923, 16383, ['127.0.0.1', 7003, 'c']],
  [5461, 10922, ['127.0.0.1', 7002, 'b']],
];
const ports = [7001, 7002, 7003];

describe('slotOwner', () => {
  it('finds the master whose range holds the slot, as an index into the ports', () => {
    expect(slotOwner(slots, 0, ports)).toBe(0);
    expect(slotOwner(slots, 5718, ports)).toBe(1); // {default}
    expect(slotOwner(slots, 10922, ports)).toBe(1);
    expect(slotOwner(slots, 13018, ports)).toBe(2); // {sms}
  });

  it('says -1 for a slot no range covers or a master not listed', () => {
    expect(slotOwner(slots.slice(0, 1), 6000, ports)).toBe(-1);
    expect(slotOwner(slots, 100, [7002, 7003])).toBe(-1);
  });
});
