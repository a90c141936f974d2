import { describe, expect, it } from 'vitest';
import { createKeyspace, DEFAULT_PREFIX, hashTag } from './keyspace.ts';

describe('keyspace', () => {
  it('binds every key to the prefix once, with a hash tag per queue and per tenant', () => {
    const keys = createKeyspace('acme');
    expect(keys.bullPrefix('sms')).toBe('acme:{sms}');
    expect(keys.bull('sms', 'failed')).toBe('acme:{sms}:sms:failed');
    expect(keys.bull('sms', 'abc')).toBe('acme:{sms}:sms:abc');
    expect(keys.events('sms')).toBe('acme:{sms}:sms:events');
    expect(keys.index('sms', 't1')).toBe('acme:{sms}:sms:cv:t:t1:index');
    expect(keys.idempotency('sms', 't1', 'h')).toBe(
      'acme:{sms}:sms:cv:t:t1:idem:h',
    );
    expect(keys.open('sms', 't1')).toBe('acme:cv:t:{t1}:open:sms');
    expect(keys.counts('sms', 't1')).toBe('acme:cv:t:{t1}:counts:sms');
    expect(keys.limits('t1')).toBe('acme:cv:t:{t1}:limits');
    expect(keys.rate('t1')).toBe('acme:cv:t:{t1}:rate');
    expect(keys.token('h')).toBe('acme:cv:{tokens}:token:h');
    expect(keys.tokens()).toBe('acme:cv:{tokens}:all');
    expect(keys.cancelRequest('sms', 'j')).toBe('acme:{sms}:sms:cv:cancel:j');
    expect(keys.cancelledJob('sms', 'j')).toBe('acme:{sms}:sms:cv:cancelled:j');
    expect(keys.handBack('sms', 'j')).toBe('acme:{sms}:sms:cv:handback:j');
    expect(keys.cancelChannel()).toBe('acme:cv:cancel');
  });

  it("keeps each queue on one slot, each tenant's ledger and settings on one, the tokens on one", () => {
    const keys = createKeyspace();
    const queueKeys = [
      keys.bull('sms', 'wait'),
      keys.bull('sms', 'job-1'),
      keys.events('sms'),
      keys.index('sms', 'a'),
      keys.idempotency('sms', 'a', 'h'),
      keys.cancelRequest('sms', 'j'),
      keys.cancelledJob('sms', 'j'),
      keys.handBack('sms', 'j'),
    ];
    expect(new Set(queueKeys.map(hashTag))).toEqual(new Set(['sms']));
    // BullMQ builds its keys as `${prefix}:${queue}:${suffix}`.
    expect(`${keys.bullPrefix('sms')}:sms:wait`).toBe(keys.bull('sms', 'wait'));
    const tenantKeys = [
      keys.open('sms', 'a'),
      keys.open('email', 'a'),
      keys.counts('sms', 'a'),
      keys.limits('a'),
      keys.rate('a'),
      keys.schedules('a'),
      keys.tenantScheduleLock('a', 'n'),
      keys.webhooks('a'),
      keys.webhookDeliveries('a'),
      keys.webhookLog('a'),
    ];
    expect(new Set(tenantKeys.map(hashTag))).toEqual(new Set(['a']));
    expect(hashTag(keys.token('h'))).toBe(hashTag(keys.tokens()));
    expect(hashTag(keys.bull('email', 'wait'))).not.toBe(
      hashTag(keys.bull('sms', 'wait')),
    );
  });

  it('defaults to the conveyor prefix', () => {
    expect(createKeyspace().prefix).toBe(DEFAULT_PREFIX);
    expect(DEFAULT_PREFIX).toBe('conveyor');
  });
});
