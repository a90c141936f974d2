import { describe, expect, it } from 'vitest';
import { MAX_WEBHOOK_URL_LENGTH, WebhookUrlSchema } from './webhook.ts';

describe('WebhookUrlSchema', () => {
  it.each([
    ['HTTPS://Example.COM:443/a/../hook', 'https://example.com/hook'],
    ['http://example.com:80', 'http://example.com/'],
    [
      'https://example.com:8443/./x/%7Euser?q=1',
      'https://example.com:8443/x/%7Euser?q=1',
    ],
    ['https://Bücher.example/hook', 'https://xn--bcher-kva.example/hook'],
    ['http://[0:0:0:0:0:0:0:1]:8080/', 'http://[::1]:8080/'],
    ['https://example.com/a b', 'https://example.com/a%20b'],
  ])('stores %s as %s', (typed, normal) => {
    expect(WebhookUrlSchema.parse(typed)).toBe(normal);
  });

  it.each([
    ['https://user:pass@example.com/', 'credentials'],
    ['https://user@example.com/', 'credentials'],
    ['https://example.com/hook#part', 'fragment'],
    ['https://example.com/hook#', 'fragment'],
    ['ftp://example.com/', 'http or https'],
    ['not a url', 'Not a URL'],
  ])('refuses %s (%s)', (url, why) => {
    const result = WebhookUrlSchema.safeParse(url);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain(why);
  });

  it('bounds the normalised form too: punycode can lengthen a host', () => {
    const label = 'ü'.repeat(50);
    const host = Array.from({ length: 5 }, () => label).join('.');
    const url = `https://${host}.example/${'a'.repeat(MAX_WEBHOOK_URL_LENGTH - 300)}`;
    expect(url.length).toBeLessThanOrEqual(MAX_WEBHOOK_URL_LENGTH);
    expect(new URL(url).href.length).toBeGreaterThan(MAX_WEBHOOK_URL_LENGTH);
    expect(WebhookUrlSchema.safeParse(url).success).toBe(false);
  });
});
