import { describe, expect, it } from 'vitest';
import { checkReferentialEqualities } from './referential-equalities.ts';
import { DEFAULT_WIRE_LIMITS } from './wire-limits.ts';
import { measureValue } from './measure-value.ts';

const nodesOf = (json: unknown) =>
  measureValue(json, { maxDepth: 64, maxNodes: Number.POSITIVE_INFINITY });

const check = (json: unknown, refs: unknown, maps: string[][] = []) =>
  checkReferentialEqualities(
    json,
    refs,
    maps.map((path) => ({ path, type: 'map' as const })),
    {
      legacy: false,
      jsonNodes: nodesOf(json),
      maxCollectionSteps: DEFAULT_WIRE_LIMITS.maxCollectionSteps,
    },
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

  it('bounds the paths by the values sent, not by a fixed count', () => {
    const many = Array.from({ length: 10 }, () => 'b');
    expect(() => check(json, { a: many })).toThrow(
      /Too many shared references \(more paths than values sent\)/,
    );
    // 1,000 jobs, each naming two shared Dates twice: 4,000 paths, all sent.
    const jobs = Array.from({ length: 1_000 }, () => ({
      data: { from: 'd1', to: 'd2', since: 'd1', until: 'd2' },
    }));
    const aliases = (key: string) =>
      jobs.map((_, i) => `jobs.${i}.data.${key}`);
    const refs = {
      'jobs.0.data.from': [...aliases('from').slice(1), ...aliases('since')],
      'jobs.0.data.to': [...aliases('to').slice(1), ...aliases('until')],
    };
    expect(() => check({ jobs }, refs)).not.toThrow();
  });
});
