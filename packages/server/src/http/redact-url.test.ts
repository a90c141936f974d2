import { describe, expect, it } from 'vitest';
import { redactUrl } from './redact-url.ts';

describe('redactUrl', () => {
  it('hides connectionParams however its name is spelt or encoded', () => {
    const token = '%7B%22token%22%3A%22secret%22%7D';
    for (const name of [
      'connectionParams',
      'CONNECTIONPARAMS',
      'connection%50arams',
    ]) {
      const url = `/trpc/jobs.watch?input=%7B%7D&${name}=${token}`;
      const shown = redactUrl(url);
      expect(shown).not.toContain('secret');
      expect(shown).toBe(`/trpc/jobs.watch?input=%7B%7D&${name}=[redacted]`);
    }
  });

  it('leaves other URLs as they are', () => {
    expect(redactUrl('/trpc/jobs.get?input=%7B%7D')).toBe(
      '/trpc/jobs.get?input=%7B%7D',
    );
    expect(redactUrl('/healthz')).toBe('/healthz');
  });
});
