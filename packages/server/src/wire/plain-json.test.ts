import fc from 'fast-check';
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { createGuardedTransformer } from './guarded-superjson.ts';
import { isPlainJson } from './plain-json.ts';

const { output } = createGuardedTransformer();

/** What the client receives: the bytes of the serialised answer. */
function wire(value: unknown, serialize: (v: unknown) => unknown) {
  try {
    return { bytes: JSON.stringify(serialize(value)) };
  } catch (error) {
    return { threw: (error as Error).message };
  }
}

const shared = { a: 1 };
// A hole at index 1 (a literal with one is refused by the linter).
const sparse: unknown[] = [1];
sparse[2] = 3;

describe('the output transformer skips superjson for plain JSON', () => {
  it('writes the same bytes as superjson for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(wire(value, output.serialize)).toEqual(
          wire(value, (v) => superjson.serialize(v)),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('writes the same bytes as superjson for anything, annotations included', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withDate: true,
          withMap: true,
          withSet: true,
          withBigInt: true,
          withNullPrototype: true,
          withSparseArray: true,
          withBoxedValues: true,
        }),
        (value) => {
          expect(wire(value, output.serialize)).toEqual(
            wire(value, (v) => superjson.serialize(v)),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('takes an answer as Conveyor builds it, and leaves what superjson annotates to superjson', () => {
    expect(
      isPlainJson({ id: 'x', name: 'n', queue: 'q', replayed: false }),
    ).toBe(true);
    expect(
      isPlainJson({ jobs: [{ id: 'a' }, { id: 'b' }], n: 1.5, z: null }),
    ).toBe(true);
    const annotated: unknown[] = [
      undefined,
      { missing: undefined },
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      new Date(0),
      1n,
      { shared, again: shared },
      [shared, shared],
      sparse,
      Object.create(null) as object,
      JSON.parse('{"__proto__": 1}') as object,
      { constructor: 1 },
      new Map(),
    ];
    annotated.forEach((value, index) =>
      expect(isPlainJson(value), `value ${index}`).toBe(false),
    );
    for (const value of [{ shared, again: shared }, { constructor: 1 }, sparse])
      expect(wire(value, output.serialize)).toEqual(
        wire(value, (v) => superjson.serialize(v)),
      );
  });

  it('leaves values nested past its depth to superjson', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 40; i++) deep = { deep };
    expect(isPlainJson(deep)).toBe(false);
    expect(wire(deep, output.serialize)).toEqual(
      wire(deep, (v) => superjson.serialize(v)),
    );
  });
});
