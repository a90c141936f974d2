import { describe, expect, it } from 'vitest';
import { closest, editDistance } from './did-you-mean.ts';

describe('did you mean', () => {
  it('counts a typo, a missing letter and a swap as one edit', () => {
    expect(editDistance('delay', 'delay')).toBe(0);
    expect(editDistance('dely', 'delay')).toBe(1);
    expect(editDistance('dealy', 'delay')).toBe(1);
    expect(editDistance('enqeueu', 'enqueue')).toBe(2);
  });

  it('suggests the closest candidate, or a completion of a prefix', () => {
    const flags = ['delay', 'priority', 'idempotency-key', 'state', 'tz'];
    expect(closest('dely', flags)).toBe('delay');
    expect(closest('priorty', flags)).toBe('priority');
    expect(closest('idem', flags)).toBe('idempotency-key');
  });

  it('ignores case, and suggests the candidate as it is spelt', () => {
    const jobs = ['sms.send', 'TEST_JOB', 'email.digest'];
    expect(closest('SMS.SEND', jobs)).toBe('sms.send');
    expect(closest('Sms.Sned', jobs)).toBe('sms.send');
    expect(closest('test_job', jobs)).toBe('TEST_JOB');
    expect(closest('EMAIL', jobs)).toBe('email.digest');
    expect(closest('ENQUEUE', ['enqueue', 'get', 'list'])).toBe('enqueue');
    expect(closest('STAST', ['stats', 'jobs'])).toBe('stats');
  });

  it('suggests nothing for a word unlike any candidate', () => {
    expect(closest('frobnicate', ['enqueue', 'get', 'list'])).toBeUndefined();
    expect(closest('x', ['tz', 'get'])).toBeUndefined();
    expect(closest('anything', [])).toBeUndefined();
  });
});
