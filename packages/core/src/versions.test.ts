import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJob } from './define-job.ts';
import { encodeEnvelope } from './envelope.ts';
import { UpcastError } from './errors/upcast-error.ts';
import {
  parseAnyVersion,
  readStoredPayload,
  upcastPayload,
} from './stored-payload.ts';
import { versions } from './versions.ts';

const v1 = z.strictObject({ to: z.string(), body: z.string() });
const v2 = z.strictObject({
  to: z.string(),
  text: z.string().min(1),
  locale: z.string().default('en'),
});
const job = defineJob({
  name: 'sms.send',
  queue: 'sms',
  input: v2,
  versions: versions(v1).next(v2, (old) => ({ to: old.to, text: old.body })),
});

describe('versions', () => {
  it('numbers versions from 1 and writes the current one in the envelope', () => {
    expect(job.version).toBe(2);
    expect(encodeEnvelope({}, { version: job.version }).pv).toBe(2);
    // Version 1 leaves envelopes as they always were.
    expect(encodeEnvelope({}, { version: 1 })).not.toHaveProperty('pv');
  });

  it('upcasts a stored older payload to what the processor receives', () => {
    const stored = encodeEnvelope({ to: '+1', body: 'hi' });
    expect(readStoredPayload(job, stored)).toEqual({
      kind: 'current',
      payload: { to: '+1', text: 'hi', locale: 'en' },
      storedVersion: 1,
    });
  });

  it('reports a payload of a newer version without touching it', () => {
    const stored = encodeEnvelope({ x: 1 }, { version: 3 });
    expect(readStoredPayload(job, stored)).toEqual({
      kind: 'newer',
      payload: { x: 1 },
      storedVersion: 3,
    });
  });

  it('names the job and step when an old payload has no path', () => {
    expect(() => upcastPayload(job, { to: '+1', body: '' }, 1)).toThrow(
      /sms\.send.*version 1 payload cannot be upcast to version 2.*text/,
    );
    expect(() => upcastPayload(job, { to: 1 }, 1)).toThrow(UpcastError);
  });

  it('accepts an input of an older version, upcast, and reports the current issues otherwise', () => {
    expect(parseAnyVersion(job, { to: '+1', body: 'hi' })).toEqual({
      success: true,
      data: { to: '+1', text: 'hi', locale: 'en' },
      version: 1,
    });
    const refused = parseAnyVersion(job, { to: '+1' });
    expect(refused.success).toBe(false);
    if (!refused.success)
      expect(refused.error.issues.map((i) => i.path.join('.'))).toContain(
        'text',
      );
  });

  it('refuses a history that does not end in the input', () => {
    expect(() =>
      defineJob({
        name: 'sms.send',
        queue: 'sms',
        input: v2,
        versions: versions(v1).next(v2.extend({}), (old) => ({
          to: old.to,
          text: old.body,
        })),
      }),
    ).toThrow(/must end with the job's input schema/);
  });
});
