import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJob } from './define-job.ts';
import { payloadView } from './payload-view.ts';
import { defineRegistry } from './registry.ts';
import { versions } from './versions.ts';

const v1 = z.strictObject({ to: z.string(), body: z.string() });
const v2 = z.strictObject({
  to: z.string(),
  text: z.string().min(1),
  locale: z.string().default('en'),
});
const sms = defineJob({
  name: 'sms.send',
  queue: 'sms',
  input: v2,
  versions: versions(v1).next(v2, (old) => ({ to: old.to, text: old.body })),
});
const ping = defineJob({
  name: 'ping',
  queue: 'sms',
  input: z.strictObject({ n: z.number() }),
});
const registry = defineRegistry([sms, ping]);
const request = registry.enqueueRequest;

describe('the enqueue request of a versioned job', () => {
  it('takes the current shape as it is', () => {
    const parsed = request.parse({
      name: 'sms.send',
      data: { to: '+1', text: 'hi' },
    });
    expect(parsed.data).toEqual({ to: '+1', text: 'hi', locale: 'en' });
  });

  it('takes an older shape and gives the current one', () => {
    const parsed = request.parse({
      name: 'sms.send',
      data: { to: '+1', body: 'hi' },
    });
    expect(parsed.data).toEqual({ to: '+1', text: 'hi', locale: 'en' });
  });

  it('refuses what fits no version with the current schema issues, at their paths', () => {
    const data = { to: 7, bogus: true };
    const asIs = v2.safeParse(data).error?.issues ?? [];
    const result = request.safeParse({ name: 'sms.send', data });
    expect(result.success).toBe(false);
    expect(
      result.error?.issues.map((i) => ({ path: i.path, message: i.message })),
    ).toEqual(
      asIs.map((i) => ({ path: ['data', ...i.path], message: i.message })),
    );
  });

  it('refuses a request without data as before', () => {
    const result = request.safeParse({ name: 'sms.send' });
    expect(result.error?.issues[0]?.path).toEqual(['data']);
  });

  it('leaves an unversioned job with its own input schema', () => {
    const result = request.safeParse({ name: 'ping', data: { n: 'x' } });
    expect(result.error?.issues.map((i) => i.path)).toEqual([['data', 'n']]);
  });
});

describe('payloadView', () => {
  it('upcasts an older payload and says which version was stored', () => {
    expect(payloadView(sms, { to: '+1', body: 'hi' }, 1)).toEqual({
      data: { to: '+1', text: 'hi', locale: 'en' },
      dataError: null,
      payloadVersion: { stored: 1, current: 2 },
    });
  });

  it('shows a newer payload as stored', () => {
    expect(payloadView(ping, { anything: 1 }, 3)).toEqual({
      data: { anything: 1 },
      dataError: null,
      payloadVersion: { stored: 3, current: 1 },
    });
  });

  it('shows an older payload with no path as null, with why', () => {
    const view = payloadView(sms, { to: '+1' }, 1);
    expect(view.data).toBeNull();
    expect(view.dataError).toMatch(/sms.send.*version 1/);
    expect(view.payloadVersion).toEqual({ stored: 1, current: 2 });
  });

  it('adds nothing for a job that never changed', () => {
    expect(payloadView(ping, { n: 1 }, 1)).toEqual({
      data: { n: 1 },
      dataError: null,
    });
  });
});
