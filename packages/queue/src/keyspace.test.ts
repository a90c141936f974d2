import { describe, expect, it } from 'vitest';
import { createKeyspace, DEFAULT_PREFIX } from './keyspace.ts';

describe('keyspace', () => {
  it('binds every key to the prefix once, per queue', () => {
    const keys = createKeyspace('{acme}');
    expect(keys.bull('sms', 'failed')).toBe('{acme}:sms:failed');
    expect(keys.bull('sms', 'abc')).toBe('{acme}:sms:abc');
    expect(keys.events('sms')).toBe('{acme}:sms:events');
    expect(keys.index('sms')).toBe('{acme}:sms:cv:index');
    expect(keys.idempotency('sms', 'h')).toBe('{acme}:sms:cv:idem:h');
    expect(keys.cancelRequest('sms', 'j')).toBe('{acme}:sms:cv:cancel:j');
    expect(keys.cancelledJob('sms', 'j')).toBe('{acme}:sms:cv:cancelled:j');
    expect(keys.cancelChannel()).toBe('{acme}:cv:cancel');
  });

  it('defaults to the conveyor prefix', () => {
    expect(createKeyspace().prefix).toBe(DEFAULT_PREFIX);
    expect(DEFAULT_PREFIX).toBe('conveyor');
  });
});
