import { describe, expect, it } from 'vitest';
import { InvalidSearchFilterError } from '../errors/invalid-search-filter-error.ts';
import { MAX_SEARCH_CONDITIONS, parseWhere } from './parse-where.ts';
import type { SearchField } from './search-where.ts';
import { whereFromTexts } from './where-text.ts';

const fields: SearchField[] = [
  { path: 'data.to', kind: 'string' },
  { path: 'data.cents', kind: 'number' },
  { path: 'data.at', kind: 'date' },
  { path: 'data.channel', kind: 'enum', values: ['sms', 'voice'] },
  { path: 'data.urgent', kind: 'boolean' },
  { path: 'data.user.id', kind: 'string' },
  { path: 'result', kind: 'string' },
];

describe('parseWhere', () => {
  it('turns a where into conditions, dates as the ISO strings superjson stores', () => {
    const at = new Date('2026-12-01T09:00:00Z');
    expect(
      parseWhere('j', fields, {
        'data.user.id': { eq: 'u1' },
        'data.cents': { gte: 1, lt: 9 },
        'data.at': { gt: at },
        result: { prefix: 'ok' },
      }),
    ).toEqual([
      {
        source: 'data',
        keys: ['user', 'id'],
        kind: 'string',
        op: 'eq',
        value: 'u1',
      },
      { source: 'data', keys: ['cents'], kind: 'number', op: 'gte', value: 1 },
      { source: 'data', keys: ['cents'], kind: 'number', op: 'lt', value: 9 },
      {
        source: 'data',
        keys: ['at'],
        kind: 'date',
        op: 'gt',
        value: at.toISOString(),
      },
      { source: 'result', keys: [], kind: 'string', op: 'prefix', value: 'ok' },
    ]);
    expect(parseWhere('j', fields, undefined)).toEqual([]);
  });

  it.each([
    [{ 'data.nope': { eq: 1 } }, /"data\.nope" is not a searchable field of j/],
    [
      { 'data.to': { gt: 'a' } },
      /data\.to is a string field: it takes eq, prefix/,
    ],
    [{ 'data.cents': { eq: '1' } }, /takes a finite number/],
    [{ 'data.cents': { eq: Number.NaN } }, /takes a finite number/],
    [{ 'data.at': { eq: '2026-01-01' } }, /takes a date/],
    [{ 'data.at': { eq: new Date('nope') } }, /takes a date/],
    [{ 'data.channel': { eq: 'fax' } }, /one of sms, voice/],
    [{ 'data.urgent': { eq: 'true' } }, /true or false/],
    [{ 'data.to': { eq: { $gt: '' } } }, /takes a string/],
    [{ 'data.to': 'x' }, /give operators/],
    [{ 'data.to': { eq: 'x'.repeat(501) } }, /at most 500/],
    [[], /must be an object/],
    [
      JSON.parse('{"__proto__":{"eq":"x"}}'),
      /"__proto__" is not a searchable field/,
    ],
    [{ 'data.to': { toString: 'x' } }, /it takes eq, prefix/],
  ])('refuses %j in its own words', (where, message) => {
    expect(() => parseWhere('j', fields, where)).toThrow(
      InvalidSearchFilterError,
    );
    expect(() => parseWhere('j', fields, where)).toThrow(message);
  });

  it(`refuses more than ${MAX_SEARCH_CONDITIONS} conditions`, () => {
    const many = {
      'data.cents': { gt: 1, gte: 1, lt: 2, lte: 2, eq: 1 },
      'data.at': {
        gt: new Date(),
        gte: new Date(),
        lt: new Date(),
        lte: new Date(),
        eq: new Date(),
      },
      'data.to': { eq: 'x' },
    };
    expect(() => parseWhere('j', fields, many)).toThrow(
      /At most 10 conditions/,
    );
  });
});

describe('whereFromTexts', () => {
  it('reads written conditions as the field kinds', () => {
    expect(
      whereFromTexts(fields, [
        'data.to^=+1415',
        'data.cents>=10',
        'data.cents<20',
        'data.at<2026-12-01',
        'data.urgent=true',
        'data.user.id=a=b',
      ]),
    ).toEqual({
      'data.to': { prefix: '+1415' },
      'data.cents': { gte: 10, lt: 20 },
      'data.at': { lt: new Date('2026-12-01') },
      'data.urgent': { eq: true },
      'data.user.id': { eq: 'a=b' },
    });
  });

  it('refuses what it cannot read, naming the fields there are', () => {
    expect(() => whereFromTexts(fields, ['data.to'])).toThrow(
      /write path=value/,
    );
    expect(() => whereFromTexts(fields, ['data.nope=1'])).toThrow(
      /not a searchable field \(data\.to, /,
    );
    expect(() => whereFromTexts(fields, ['data.urgent=yes'])).toThrow(
      /true or false/,
    );
    // Read, then refused by parseWhere as not a number or a date.
    expect(() => parseWhereOf(['data.cents=ten'])).toThrow(/finite number/);
    expect(() => parseWhereOf(['data.at>soon'])).toThrow(/takes a date/);
  });
});

const parseWhereOf = (texts: string[]) =>
  parseWhere('j', fields, whereFromTexts(fields, texts));
