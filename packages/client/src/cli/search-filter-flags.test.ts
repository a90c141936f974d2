import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.ts';
import { sinceDate } from './search-filter-flags.ts';

describe('--since', () => {
  const now = Date.UTC(2026, 11, 7, 12);
  it('reads seconds, minutes, hours and days before now', () => {
    expect(sinceDate('9h', now).toISOString()).toBe('2026-12-07T03:00:00.000Z');
    expect(sinceDate('30m', now).toISOString()).toBe(
      '2026-12-07T11:30:00.000Z',
    );
    expect(sinceDate('7d', now).toISOString()).toBe('2026-11-30T12:00:00.000Z');
    expect(sinceDate(' 45s ', now).getTime()).toBe(now - 45_000);
  });
  it('refuses anything else as a usage error', () => {
    for (const text of ['', '9', 'h', '1.5h', '-1h', '3w', 'soon'])
      expect(() => sinceDate(text, now)).toThrow(CliError);
  });
});
