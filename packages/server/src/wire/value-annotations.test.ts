import { describe, expect, it } from 'vitest';
import { checkValueAnnotations } from './value-annotations.ts';
import { DEFAULT_WIRE_LIMITS } from './wire-limits.ts';
import { WireFormatError } from './wire-format-error.ts';

const check = (json: unknown, values: unknown) =>
  checkValueAnnotations(json, values, false, DEFAULT_WIRE_LIMITS);

describe('checkValueAnnotations', () => {
  it('accepts what a superjson client sends for the contract types', () => {
    const json = {
      at: '2026-01-01T00:00:00.000Z',
      n: '12345678901234567890',
      s: [1],
      m: [['k', '2026-01-01T00:00:00.000Z']],
      u: null,
      x: 'NaN',
    };
    const values = {
      at: ['Date'],
      n: ['bigint'],
      s: ['set'],
      m: ['map', { '0.1': ['Date'] }],
      u: ['undefined'],
      x: ['number'],
    };
    expect(check(json, values).map((a) => a.path.join('.'))).toEqual(
      expect.arrayContaining(['at', 'n', 's', 'm', 'm.0.1', 'u', 'x']),
    );
  });

  it('refuses every other type, naming it', () => {
    for (const type of [
      ['typed-array', 'Float64Array'],
      ['class', 'Foo'],
      ['custom', 'x'],
      ['symbol', 'y'],
      'regexp',
      'Error',
      'URL',
    ])
      expect(() => check({ length: 1e8 }, [type])).toThrow(
        /Unsupported superjson type/,
      );
  });

  it('refuses values not encoded as superjson encodes that type', () => {
    const cases: [unknown, unknown][] = [
      [{ length: 1e8 }, ['set']],
      [[1, 2], ['map']],
      ['1'.repeat(10_000), ['bigint']],
      ['12x', ['bigint']],
      [{}, ['Date']],
      ['1', ['number']],
      [0, ['undefined']],
    ];
    for (const [json, values] of cases)
      expect(() => check(json, values)).toThrow(WireFormatError);
  });

  it('refuses malformed trees and deep ones', () => {
    expect(() => check({}, 'Date')).toThrow(WireFormatError);
    expect(() => check({}, [])).toThrow(WireFormatError);
    expect(() => check({ a: 1 }, { a: ['Date', {}, 1] })).toThrow(
      WireFormatError,
    );
    const deepPath = Array.from({ length: 100 }, () => 'a').join('.');
    expect(() => check({}, { [deepPath]: ['Date'] })).toThrow(
      /nested too deeply/,
    );
  });
});
