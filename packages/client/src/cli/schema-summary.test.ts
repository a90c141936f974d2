import { describe, expect, it } from 'vitest';
import { schemaSummary } from './schema-summary.ts';

describe('schemaSummary', () => {
  it('spells an object field by field, optional ones with ?', () => {
    const schema = {
      type: 'object',
      properties: {
        to: { type: 'string', format: 'e164' },
        count: { type: 'integer' },
        nested: {
          type: 'object',
          properties: { on: { type: 'boolean' } },
          required: ['on'],
        },
      },
      required: ['to', 'nested'],
    };
    expect(schemaSummary(schema)).toBe(
      '{ to: string (e164), count?: integer, nested: { on: boolean } }',
    );
  });

  it('lists choices, and brackets a union of array items', () => {
    expect(schemaSummary({ type: 'string', enum: ['daily', 'weekly'] })).toBe(
      '"daily" | "weekly"',
    );
    const all = { type: 'string', const: 'all' };
    const urls = { type: 'array', items: { type: 'string', format: 'uri' } };
    expect(schemaSummary({ anyOf: [all, urls] })).toBe(
      '"all" | string (uri)[]',
    );
    const mixed = { anyOf: [{ type: 'string' }, { type: 'number' }] };
    expect(schemaSummary({ type: 'array', items: mixed })).toBe(
      '(string | number)[]',
    );
  });

  it('says any for a schema without a type', () => {
    expect(schemaSummary({})).toBe('any');
    expect(schemaSummary({ type: 'array' })).toBe('any[]');
  });
});
