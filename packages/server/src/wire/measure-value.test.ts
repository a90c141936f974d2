import { describe, expect, it } from 'vitest';
import { measureValue } from './measure-value.ts';
import { WireFormatError } from './wire-format-error.ts';

const nested = (depth: number): unknown => {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

describe('measureValue', () => {
  it('counts every node, Map and Set entries included', () => {
    const value = { a: [1, 2], m: new Map([['k', new Set([1])]]) };
    // root, a, 1, 2, m, 'k', Set, 1
    expect(measureValue(value, { maxDepth: 10, maxNodes: 100 })).toBe(8);
  });

  it('refuses depth past the limit without overflowing the stack', () => {
    expect(measureValue(nested(63), { maxDepth: 64, maxNodes: 1e9 })).toBe(64);
    expect(() =>
      measureValue(nested(1_000_000), { maxDepth: 64, maxNodes: 1e9 }),
    ).toThrow(/nested too deeply \(at most 64 levels\)/);
  });

  it('counts a shared object once per reference, and stops on a cycle', () => {
    const shared = [1, 2, 3];
    expect(
      measureValue({ a: shared, b: shared }, { maxDepth: 5, maxNodes: 100 }),
    ).toBe(9);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() =>
      measureValue(cyclic, { maxDepth: 1_000, maxNodes: 500 }),
    ).toThrow(WireFormatError);
  });
});
