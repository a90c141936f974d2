import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import {
  createGuardedTransformer,
  deserializeUntrusted,
} from './guarded-superjson.ts';
import { WireFormatError } from './wire-format-error.ts';

describe('deserializeUntrusted', () => {
  it('decodes what a superjson client encodes for the contract', () => {
    const at = new Date('2026-11-22T00:00:00Z');
    const value = {
      at,
      same: at,
      big: 2n ** 80n,
      set: new Set(['a']),
      map: new Map([['k', at]]),
      missing: undefined,
      nan: Number.NaN,
    };
    expect(deserializeUntrusted(superjson.serialize(value))).toEqual(value);
  });

  it('refuses the 138-byte typed-array request before allocating it', () => {
    const before = process.memoryUsage().arrayBuffers;
    expect(() =>
      deserializeUntrusted({
        json: { length: 1e8 },
        meta: { values: [['typed-array', 'Float64Array']] },
      }),
    ).toThrow(/Unsupported superjson type "typed-array"/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1e6);
  });

  it('refuses what is not superjson at all', () => {
    for (const payload of [
      null,
      'x',
      [],
      {},
      { json: 1, extra: 1 },
      { json: 1, meta: 'x' },
      { json: 1, meta: { v: 2 } },
      { json: 1, meta: { evil: 1 } },
      JSON.parse('{"json":{"__proto__":{"x":1}}}'),
    ])
      expect(() => deserializeUntrusted(payload)).toThrow(WireFormatError);
  });

  it('refuses references that expand or loop the decoded value', () => {
    // Deduplicated form (null placeholders): the alias adds nodes never sent.
    const expanding = {
      json: { a: [1, 2, 3, 4], b: null },
      meta: { v: 1, referentialEqualities: { a: ['b'] } },
    };
    expect(() => deserializeUntrusted(expanding)).toThrow(/expand/);
    const loop = {
      json: { a: { b: 1 } },
      meta: { v: 1, referentialEqualities: { a: ['a.b'] } },
    };
    expect(() => deserializeUntrusted(loop)).toThrow(WireFormatError);
  });

  it('refuses a reference bomb: few paths, a value of 2^40 nodes', () => {
    // l0 = [1, 1]; each next level holds the previous one twice.
    const levels = 40;
    const json: Record<string, unknown> = { l0: [1, 1] };
    const refs: Record<string, string[]> = {};
    for (let i = 1; i <= levels; i++) {
      json[`l${i}`] = [null, null];
      refs[`l${i - 1}`] = [`l${i}.0`, `l${i}.1`];
    }
    const bomb = { json, meta: { v: 1, referentialEqualities: refs } };
    expect(JSON.stringify(bomb).length).toBeLessThan(2_000);
    expect(() => deserializeUntrusted(bomb)).toThrow(/expand beyond/);
  });
});

describe('createGuardedTransformer', () => {
  it('turns every refusal into a 400 whose cause is a WireFormatError', () => {
    const transformer = createGuardedTransformer();
    try {
      transformer.input.deserialize({ json: { length: 1 }, meta: null });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({
        code: 'BAD_REQUEST',
        message: 'Malformed superjson meta',
      });
      expect((error as Error).cause).toBeInstanceOf(WireFormatError);
    }
  });

  it('keeps outputs plain superjson', () => {
    const transformer = createGuardedTransformer();
    const value = { at: new Date(0), big: 1n };
    expect(transformer.output.serialize(value)).toEqual(
      superjson.serialize(value),
    );
  });
});
