import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { superjsonStringify } from './plain-json.ts';
import { storableJson, storableSuperjson } from './sanitize-transition.ts';

const shared = { s: 1 };
const circular: Record<string, unknown> = { a: 1 };
circular.self = circular;
// eslint-disable-next-line no-sparse-arrays -- a hole is the case
const sparse = [1, , 3];
const extra = Object.assign([1, 2], { when: new Date(5) });
const nullProto = Object.assign(Object.create(null) as object, { n: 1 });
// JSON.stringify calls a toJSON enumerable or not; superjson's copy drops it.
const hiddenToJson = Object.defineProperty({ a: 1 }, 'toJSON', {
  value: () => 'X',
});
/** Deeper than superjson can write: the shortcut must fail it the same way, not write an entry an older drainer cannot read. */
const deep = (levels: number) => {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
};

/** Values a processor may return, plain or not: the shortcut must give superjson's bytes for each. */
const VALUES: unknown[] = [
  undefined,
  null,
  0,
  -0,
  1.5,
  NaN,
  Infinity,
  -Infinity,
  10n,
  'text',
  'nul\u0000 lone\ud800 pair😀 back\\u0000slash "q"',
  true,
  [],
  [1, 'a', null, [true]],
  sparse,
  [1, undefined],
  extra,
  {},
  { ok: true, n: 3, nested: { list: [1, 2, { deep: 'x' }] } },
  { 'k.dot': 1, 'k\\back': 2, 'k\u0000': 'v' },
  { when: new Date(0) },
  { gone: undefined },
  { map: new Map([[1, 2]]), set: new Set([1]) },
  { re: /x/g, big: 1n, err: new Error('boom') },
  { a: shared, b: shared },
  hiddenToJson,
  { wrapped: hiddenToJson },
  deep(3_000),
  [shared, shared],
  circular,
  nullProto,
  { fn: () => 1 },
  { nested: { neg: -0 } },
  new (class Point {
    x = 1;
  })(),
];

function outcome(result: unknown): Record<string, unknown> {
  return {
    id: 'job-1:0:1:completed',
    jobId: 'job-1',
    tenantId: 'acme',
    name: 'TEST_JOB',
    queue: 'default',
    run: 0,
    attempt: 1,
    type: 'completed',
    at: 1_765_000_000_000,
    result,
    durationMs: 3,
    worker: 'host:1',
  };
}

/** superjson's answer, or its error's message. */
function attempt(f: () => string): string {
  try {
    return f();
  } catch (error) {
    return `threw ${(error as Error).message}`;
  }
}

describe('superjsonStringify', () => {
  it.each(VALUES.map((v, i) => [i, v]))(
    'writes superjson.stringify bytes for a transition holding value %i',
    (_, value) => {
      const t = outcome(value);
      expect(attempt(() => superjsonStringify(t))).toBe(
        attempt(() => superjson.stringify(t)),
      );
    },
  );

  it('writes the annotations of several top-level undefined keys in order', () => {
    const t = { ...outcome(undefined), error: undefined, stack: 'at x' };
    expect(superjsonStringify(t)).toBe(superjson.stringify(t));
  });

  it('takes superjson path for keys superjson refuses or escapes', () => {
    for (const t of [
      JSON.parse('{"__proto__": 1}') as Record<string, unknown>,
      { 'a.b': undefined },
      Object.create(null) as Record<string, unknown>,
    ])
      expect(attempt(() => superjsonStringify(t))).toBe(
        attempt(() => superjson.stringify(t)),
      );
  });
});

describe('storableSuperjson', () => {
  it.each(VALUES.map((v, i) => [i, v]))(
    'gives the text the cleaned superjson form gave for value %i',
    (_, value) => {
      expect(attempt(() => storableSuperjson(value))).toBe(
        attempt(() => JSON.stringify(storableJson(superjson.serialize(value)))),
      );
    },
  );

  it('gives the same text for a result decoded from an outbox entry', () => {
    for (const value of VALUES) {
      let decoded: unknown;
      try {
        decoded = superjson.parse<{ result: unknown }>(
          superjson.stringify(outcome(value)),
        ).result;
      } catch {
        continue;
      }
      expect(storableSuperjson(decoded)).toBe(
        JSON.stringify(storableJson(superjson.serialize(decoded))),
      );
    }
  });
});
