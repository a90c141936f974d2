import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { searchFields } from './search-fields.ts';

describe('searchFields', () => {
  it('offers scalar leaves of nested objects with their kinds, unwrapping optional and defaults', () => {
    const schema = z.strictObject({
      to: z.e164(),
      cents: z.number().int().default(0),
      at: z.date().optional(),
      channel: z.enum(['sms', 'voice']),
      mode: z.union([z.literal('a'), z.literal('b')]),
      urgent: z.boolean().nullable(),
      user: z.strictObject({
        id: z.string(),
        address: z.strictObject({ city: z.string() }),
      }),
      tags: z.array(z.string()),
      extra: z.record(z.string(), z.string()),
    });
    expect(searchFields(schema, 'data')).toEqual([
      { path: 'data.to', kind: 'string' },
      { path: 'data.cents', kind: 'number' },
      { path: 'data.at', kind: 'date' },
      { path: 'data.channel', kind: 'enum', values: ['sms', 'voice'] },
      { path: 'data.mode', kind: 'enum', values: ['a', 'b'] },
      { path: 'data.urgent', kind: 'boolean' },
      { path: 'data.user.id', kind: 'string' },
      { path: 'data.user.address.city', kind: 'string' },
    ]);
  });

  it('offers a scalar result itself, the fields a union of objects agrees on, and stops four levels down', () => {
    expect(searchFields(z.string(), 'result')).toEqual([
      { path: 'result', kind: 'string' },
    ]);
    const union = z.discriminatedUnion('kind', [
      z.strictObject({
        kind: z.literal('a'),
        id: z.string(),
        only: z.number(),
      }),
      z.strictObject({
        kind: z.literal('b'),
        id: z.string(),
        only: z.string(),
      }),
    ]);
    expect(searchFields(union, 'data')).toEqual([
      { path: 'data.kind', kind: 'enum', values: ['a', 'b'] },
      { path: 'data.id', kind: 'string' },
    ]);
    const deep = z.strictObject({
      a: z.strictObject({
        b: z.strictObject({
          c: z.strictObject({
            d: z.strictObject({ e: z.string() }),
            f: z.string(),
          }),
        }),
      }),
    });
    expect(searchFields(deep, 'data').map((f) => f.path)).toEqual([
      'data.a.b.c.f',
    ]);
    expect(searchFields(z.never(), 'result')).toEqual([]);
  });
});
