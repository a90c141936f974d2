import { describe, expect, it } from 'vitest';
import { ChildCache } from './child-cache.ts';

describe('ChildCache', () => {
  it('makes one child per label tuple and hands the same one back', () => {
    const made: string[][] = [];
    const cache = new ChildCache((...values) => {
      made.push(values);
      return { values };
    });
    const first = cache.get('sms', 'sms.send');
    expect(cache.get('sms', 'sms.send')).toBe(first);
    expect(cache.get('sms', 'sms.other')).not.toBe(first);
    // Tuples are told apart by position, not by a joined string.
    expect(cache.get('s', 'ms.send')).not.toBe(first);
    expect(made).toEqual([
      ['sms', 'sms.send'],
      ['sms', 'sms.other'],
      ['s', 'ms.send'],
    ]);
  });
});
