import { encodeEnvelope } from '@conveyor/core';
import { expect, it } from 'vitest';
import { resultEnvelope } from './result-envelope.ts';

const nullPrototype = Object.assign(Object.create(null) as object, { a: 1 });
const sparse: number[] = [];
sparse[0] = 1;
sparse[2] = 3;
class Point {
  x = 1;
}

it.each([
  ['a flat object', { echoed: '', ok: true, none: null, x: 1.5 }],
  ['an empty object', {}],
  ['an array of primitives', ['a', 1, false, null]],
  ['a string', 'done'],
  ['a number', 42],
  ['null', null],
  ['undefined (a void processor)', undefined],
  ['a null-prototype object', nullPrototype],
  ['minus zero', { n: -0 }],
  ['a Date', new Date(0)],
  ['a nested Date', { at: new Date(0) }],
  ['a nested object', { feeds: { added: 1 } }],
  ['an undefined field', { a: undefined }],
  ['NaN and Infinity', { a: Number.NaN, b: Infinity }],
  ['a sparse array', sparse],
  ['a Map', new Map([['a', 1]])],
  ['a class instance', new Point()],
  ['a bigint', { big: 10n }],
])('%s is stored as encodeEnvelope stores it', (_, value) => {
  const stored = resultEnvelope(value, false);
  expect(stored).toStrictEqual(encodeEnvelope(value));
  expect(JSON.stringify(stored)).toBe(JSON.stringify(encodeEnvelope(value)));
});

it('refuses the keys superjson refuses', () => {
  const polluted = JSON.parse('{"__proto__": {"x": 1}}') as unknown;
  expect(() => encodeEnvelope(polluted)).toThrow(/prototype pollution/);
  expect(() => resultEnvelope(polluted, false)).toThrow(/prototype pollution/);
});

it('marks a sealed result', () => {
  expect(resultEnvelope({ a: 'x' }, true)).toStrictEqual(
    encodeEnvelope({ a: 'x' }, { sealed: true }),
  );
});
