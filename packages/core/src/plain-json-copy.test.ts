import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { NOT_PLAIN, plainJsonCopy } from './plain-json-copy.ts';

const shared = { x: 1 };
const cyclic: Record<string, unknown> = { a: 1 };
cyclic.self = cyclic;

describe('plainJsonCopy', () => {
  it.each([
    ['a string', 'hi'],
    ['a number', 42.5],
    ['null', null],
    ['a boolean', false],
    ['an object', { message: 'm1', n: 1, nested: { list: [1, 'two', true] } }],
    ['an array of objects', [{ a: 1 }, { b: [null, 'x'] }]],
    ['an empty object', {}],
    ['a dotted key', { 'a.b': 'c' }],
  ])('copies %s as superjson encodes it', (_label, value) => {
    const copy = plainJsonCopy(value);
    expect(copy).not.toBe(NOT_PLAIN);
    expect({ json: copy }).toEqual(superjson.serialize(value));
    if (typeof value === 'object' && value !== null)
      expect(copy).not.toBe(value);
  });

  it.each([
    ['a Date', { at: new Date(0) }],
    ['undefined', { a: undefined }],
    ['NaN', [Number.NaN]],
    ['Infinity', { n: Infinity }],
    ['-0', { n: -0 }],
    ['a bigint', { n: 1n }],
    ['a Map', { m: new Map() }],
    ['an array hole', [1, , 2]], // eslint-disable-line no-sparse-arrays
    ['an object reached twice', { a: shared, b: shared }],
    ['a cycle', cyclic],
    ['a class instance', { u: new URL('https://example.com') }],
    ['a null-prototype object', Object.create(null) as object],
    ['a constructor key', { constructor: 1 }],
  ])('leaves %s to superjson', (_label, value) => {
    expect(plainJsonCopy(value)).toBe(NOT_PLAIN);
  });

  it('leaves a payload of many objects to superjson', () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ i }));
    expect(plainJsonCopy(many)).toBe(NOT_PLAIN);
  });
});
