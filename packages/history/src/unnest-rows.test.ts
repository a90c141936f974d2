import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { arrayLiteral } from './unnest-rows.ts';

/** pg's own serialiser of a parameter (arrays as literals): what the driver sent before. */
const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as {
  prepareValue: (value: unknown) => unknown;
};

const TEXTS = [
  '',
  'plain',
  'NULL',
  'a,b {c} d',
  'quote " and back\\slash \\" mixed',
  'line\nbreak\ttab\r\u0001',
  'pair 😀 and lone \ud800 \udc00',
  '{"json":{"ok":true,"s":"q\\"x"}}',
  ' leading and trailing ',
];

describe('arrayLiteral', () => {
  it('writes text as pg does: the same literal', () => {
    const rows = [...TEXTS, null, undefined].map((v) => ({ v }));
    const pg = prepareValue(rows.map(({ v }) => v ?? null)) as string;
    expect(arrayLiteral(rows, 'v')).toBe(pg);
  });

  it('writes dates as ISO text, as pg wrote the ISO text given it', () => {
    const dates = [new Date(0), new Date(1_765_000_000_123), new Date(-1)];
    const rows = dates.map((v) => ({ v }));
    expect(arrayLiteral(rows, 'v')).toBe(
      prepareValue(dates.map((d) => d.toISOString())) as string,
    );
  });

  it('writes numbers bare', () => {
    const rows = [0, -3, 2 ** 31 - 1, null].map((v) => ({ v }));
    expect(arrayLiteral(rows, 'v')).toBe('{0,-3,2147483647,NULL}');
  });
});
