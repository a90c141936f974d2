import { describe, expect, it } from 'vitest';
import { createKeyspace, DEFAULT_PREFIX } from './keyspace.ts';

describe('keyspace', () => {
  it('binds every key to the prefix once, per queue', () => {
    const keys = createKeyspace('{acme}');
    expect(keys.bull('sms', 'failed')).toBe('{acme}:sms:failed');
    expect(keys.bull('sms', 'abc')).toBe('{acme}:sms:abc');
    expect(keys.events('sms')).toBe('{acme}:sms:events');
    expect(keys.index('sms', 't1')).toBe('{acme}:sms:cv:t:t1:index');
    expect(keys.idempotency('sms', 't1', 'h')).toBe(
      '{acme}:sms:cv:t:t1:idem:h',
    );
    expect(keys.open('sms', 't1')).toBe('{acme}:sms:cv:t:t1:open');
    expect(keys.counts('sms', 't1')).toBe('{acme}:sms:cv:t:t1:counts');
    expect(keys.limits('t1')).toBe('{acme}:cv:t:t1:limits');
    expect(keys.rate('t1')).toBe('{acme}:cv:t:t1:rate');
    expect(keys.token('h')).toBe('{acme}:cv:token:h');
    expect(keys.tokens()).toBe('{acme}:cv:tokens');
    expect(keys.cancelRequest('sms', 'j')).toBe('{acme}:sms:cv:cancel:j');
    expect(keys.cancelledJob('sms', 'j')).toBe('{acme}:sms:cv:cancelled:j');
    expect(keys.cancelChannel()).toBe('{acme}:cv:cancel');
  });

  it('defaults to the conveyor prefix', () => {
    expect(createKeyspace().prefix).toBe(DEFAULT_PREFIX);
    expect(DEFAULT_PREFIX).toBe('conveyor');
  });
});
