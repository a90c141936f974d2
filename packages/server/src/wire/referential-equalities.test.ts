import { describe, expect, it } from 'vitest';
import { checkReferentialEqualities } from './referential-equalities.ts';
import { DEFAULT_WIRE_LIMITS } from './wire-limits.ts';

const check = (json: unknown, refs: unknown, maps: string[][] = []) =>
  checkReferentialEqualities(
    json,
    refs,
    maps.map((path) => ({ path, type: 'map' as const })),
    false,
    DEFAULT_WIRE_LIMITS,
  );

describe('checkReferentialEqualities', () => {
  const json = { a: '2026', b: '2026', m: [['k', 'v']] };

  it('accepts what superjson sends for one object used twice', () => {
    expect(() => check(json, { a: ['b'] })).not.toThrow();
  });

  it('refuses self-containing input, missing paths, malformed entries', () => {
    expect(() => check(json, [['a']])).toThrow(/references itself/);
    expect(() => check(json, { a: ['c'] })).toThrow(/missing path/);
    expect(() => check(json, { a: 'b' })).toThrow(/Malformed/);
  });

  it('budgets the Map rows superjson would walk to resolve references', () => {
    expect(() => check(json, { a: ['m.0.1'] }, [['m']])).not.toThrow();
    const rows = Array.from({ length: 60_000 }, (_, i) => [String(i), 'v']);
    const big = { a: 'v', m: rows };
    const far = Array.from({ length: 2 }, () => 'm.59999.1');
    expect(() => check(big, { a: far }, [['m']])).toThrow(
      /inside Maps or Sets/,
    );
  });

  it('bounds the number of paths', () => {
    const many = Array.from({ length: 2_000 }, () => 'b');
    expect(() => check(json, { a: many })).toThrow(
      /Too many shared references \(at most 2000 paths\)/,
    );
  });
});
