import { InvalidIdempotencyKeyError } from '@conveyor/core';
import { describe, expect, it } from 'vitest';
import { parseIdempotencyKeyHeader } from './parse-idempotency-key-header.ts';

describe('parseIdempotencyKeyHeader', () => {
  it('reads an sf-string, unescaping \\" and \\\\', () => {
    expect(parseIdempotencyKeyHeader('"order-42"')).toBe('order-42');
    expect(parseIdempotencyKeyHeader(' "a \\"b\\" \\\\c" ')).toBe('a "b" \\c');
  });

  it('accepts a bare token (Stripe-style)', () => {
    expect(
      parseIdempotencyKeyHeader('8e03978e-40d5-43e8-bc93-6894a57f9324'),
    ).toBe('8e03978e-40d5-43e8-bc93-6894a57f9324');
  });

  it.each([
    ['two values', '"a", "b"'],
    ['an unterminated string', '"abc'],
    ['a bad escape', '"a\\nb"'],
    ['a control character', '"a\tb"'],
    ['non-ASCII', '"clé"'],
    ['spaces in a bare key', 'a b'],
    ['an empty key', '""'],
    ['an over-long key', `"${'k'.repeat(257)}"`],
  ])('refuses %s with Conveyor’s own error', (_, raw) => {
    expect(() => parseIdempotencyKeyHeader(raw)).toThrow(
      InvalidIdempotencyKeyError,
    );
  });

  it('takes a key of exactly 256 characters', () => {
    expect(parseIdempotencyKeyHeader(`"${'k'.repeat(256)}"`)).toHaveLength(256);
  });
});
