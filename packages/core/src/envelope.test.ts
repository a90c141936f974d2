import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope } from './envelope.ts';
import { MalformedJobError } from './errors/index.ts';

/** What BullMQ does to job data: JSON out, JSON in. */
const throughRedis = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value));

describe('envelope', () => {
  it('keeps Dates, undefined-free objects and nested values exact through JSON storage', () => {
    const payload = {
      at: new Date('2026-11-22T10:00:00.123Z'),
      nested: { list: [1, 'two', new Date(0)] },
    };
    const decoded = decodeEnvelope(throughRedis(encodeEnvelope(payload)))
      .payload as typeof payload;
    expect(decoded).toEqual(payload);
    expect(decoded.at).toBeInstanceOf(Date);
    expect(decoded.nested.list[2]).toBeInstanceOf(Date);
  });

  it('is versioned and carries a tenant when given', () => {
    const envelope = encodeEnvelope({ a: 1 }, { tenantId: 't1' });
    expect(envelope.v).toBe(1);
    expect(decodeEnvelope(throughRedis(envelope)).tenantId).toBe('t1');
    expect(encodeEnvelope({ a: 1 })).not.toHaveProperty('tenantId');
  });

  it.each([
    ['a string', 'hello'],
    ['null', null],
    ['a raw payload', { message: 'hi' }],
    ['a future version', { v: 2, payload: { json: {} } }],
    ['no payload', { v: 1 }],
  ])('rejects %s as malformed', (_label, data) => {
    expect(() => decodeEnvelope(data)).toThrow(MalformedJobError);
  });
});
