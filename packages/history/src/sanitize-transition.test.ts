import { describe, expect, it } from 'vitest';
import {
  capText,
  MAX_TEXT_CHARS,
  sanitizeTransition,
  storableJson,
} from './sanitize-transition.ts';

describe('sanitizeTransition', () => {
  it('keeps the start of a long text and says how much was cut', () => {
    const long = 'x'.repeat(MAX_TEXT_CHARS + 500);
    const capped = capText(long);
    expect(capped.startsWith('x'.repeat(MAX_TEXT_CHARS))).toBe(true);
    expect(capped).toMatch(/\[truncated: 500 more characters\]$/);
    expect(capText('short')).toBe('short');
  });

  it('never cuts a surrogate pair in half', () => {
    const text = `${'x'.repeat(MAX_TEXT_CHARS - 1)}😀tail`;
    expect(capText(text)).toMatch(/^x+… \[truncated/);
    expect(capText(text)).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('replaces NUL and lone surrogates in strings and keys, deep', () => {
    expect(
      storableJson({ 'k\u0000': ['a\u0000b', { n: 1, s: '\ud800' }], z: null }),
    ).toEqual({ 'k\uFFFD': ['a\uFFFDb', { n: 1, s: '\uFFFD' }], z: null });
  });

  it('cleans the text fields of a transition', () => {
    const t = sanitizeTransition({
      id: 'j:0:1:failed',
      jobId: 'j',
      tenantId: 'acme',
      name: 'n',
      queue: 'q',
      run: 0,
      attempt: 1,
      type: 'failed',
      at: 1,
      error: 'bad\u0000',
      worker: 'w\u0000',
      enqueuedBy: 'e\u0000',
      idempotencyKey: 'i\u0000',
    });
    expect(t).toMatchObject({
      error: 'bad\uFFFD',
      worker: 'w\uFFFD',
      enqueuedBy: 'e\uFFFD',
      idempotencyKey: 'i\uFFFD',
    });
  });
});
