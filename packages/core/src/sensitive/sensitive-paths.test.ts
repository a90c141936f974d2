import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { searchFields } from '../search/search-fields.ts';
import {
  isSealed,
  mapAtPaths,
  mapSealed,
  REDACTED,
  redactSealed,
} from './sealed-value.ts';
import { sensitive } from './sensitive.ts';
import { sensitivePaths } from './sensitive-paths.ts';

const input = z.strictObject({
  to: sensitive(z.string()),
  note: sensitive(z.string()).optional(),
  whole: sensitive(z.strictObject({ a: z.string() })).nullable(),
  plain: z.string(),
  cards: z.array(z.strictObject({ number: sensitive(z.string()) })),
  either: z.union([
    z.strictObject({ kind: z.literal('a'), pin: sensitive(z.string()) }),
    z.strictObject({ kind: z.literal('b') }),
  ]),
});

describe('sensitivePaths', () => {
  it('finds marks through wrappers, nested objects, arrays and unions', () => {
    expect(sensitivePaths(input)).toEqual([
      ['to'],
      ['note'],
      ['whole'],
      ['cards', '*', 'number'],
      ['either', 'pin'],
    ]);
    expect(sensitivePaths(z.strictObject({ plain: z.string() }))).toEqual([]);
    expect(
      sensitivePaths(
        z.strictObject({
          byUser: z.record(z.string(), sensitive(z.string())),
          pair: z.tuple([z.string(), sensitive(z.string())]),
          both: z
            .strictObject({ a: sensitive(z.string()) })
            .and(z.strictObject({ b: z.string() })),
          piped: z.string().pipe(sensitive(z.string())),
        }),
      ),
    ).toEqual([['byUser', '%'], ['pair', '1'], ['both', 'a'], ['piped']]);
    expect(sensitivePaths(sensitive(z.string()))).toEqual([[]]);
  });

  it('keeps sensitive fields out of search (stored as ciphertext)', () => {
    const paths = searchFields(input, 'data').map((f) => f.path);
    expect(paths).toContain('data.plain');
    expect(paths).not.toContain('data.to');
    expect(paths).not.toContain('data.note');
    expect(paths).not.toContain('data.either.pin');
  });
});

describe('sealed values in a payload', () => {
  const seal = (value: unknown) => `cvs1.k.${JSON.stringify(value).length}.x`;
  const value = {
    to: '+1',
    plain: 'p',
    cards: [{ number: '4111' }, { number: '4222' }],
    either: { kind: 'b' },
  };

  it('maps only the values at the paths, leaves absent ones absent and the input untouched', () => {
    const sealed = mapAtPaths(
      value,
      sensitivePaths(input),
      seal,
    ) as typeof value;
    expect(sealed).toEqual({
      to: 'cvs1.k.4.x',
      plain: 'p',
      cards: [{ number: 'cvs1.k.6.x' }, { number: 'cvs1.k.6.x' }],
      either: { kind: 'b' },
    });
    expect(value.to).toBe('+1');
    expect(isSealed(sealed.to)).toBe(true);
    expect(isSealed(sealed.plain)).toBe(false);
  });

  it('maps every value of a record and a tuple item by index', () => {
    const paths = [
      ['byUser', '%'],
      ['pair', '1'],
    ];
    expect(
      mapAtPaths(
        { byUser: { a: 'x', b: 'y' }, pair: ['p', 's'] },
        paths,
        () => 'S',
      ),
    ).toEqual({ byUser: { a: 'S', b: 'S' }, pair: ['p', 'S'] });
  });

  it('opens or redacts every sealed value wherever it is', () => {
    const sealed = mapAtPaths(value, sensitivePaths(input), seal);
    expect(mapSealed(sealed, () => 'open')).toMatchObject({
      to: 'open',
      cards: [{ number: 'open' }, { number: 'open' }],
    });
    expect(redactSealed(sealed)).toMatchObject({
      to: REDACTED,
      plain: 'p',
      cards: [{ number: REDACTED }, { number: REDACTED }],
    });
  });
});
