import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { postWebhook } from './post-webhook.ts';
import { assertPublicUrl, isInternalAddress } from './ssrf-guard.ts';

const refused = { allowPrivate: false };

describe('the SSRF guard', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '0.0.0.0',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.255',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'febf::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '64:ff9b::7f00:1',
    '64:ff9b::127.0.0.1',
    '64:ff9b::a9fe:a9fe',
    '64:ff9b::10.1.2.3',
    '64:ff9b:1::808:808', // local-use NAT64: refused whole
    '::ffff:0:7f00:1', // IPv4-translated (RFC 2765)
    '::ffff:0:127.0.0.1',
    '0:0:0:0:ffff:0:a00:1',
    '::ffff:0:a9fe:a9fe',
    '::ffff:0:0', // IPv4-translated 0.0.0.0
    '::127.0.0.1', // IPv4-compatible: refused whole
    '::7f00:1',
    '::8.8.8.8',
    '2002:7f00:1::',
    '2002:a00:1::1',
    '2002:c0a8:101:1::1',
    '2002:a9fe:a9fe::',
    '2001::1', // Teredo: refused whole
    '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    'fe80::1%eth0',
    'not-an-address',
  ])('refuses %s', (address) => {
    expect(isInternalAddress(address)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808', // DNS64 for a public host
    '64:ff9b::8.8.8.8',
    '::ffff:0:808:808',
    '2002:808:808::1',
    '2001:4860:4860::8888', // inside 2001::/23 but not Teredo's /32
  ])('allows the public %s', (address) => {
    expect(isInternalAddress(address)).toBe(false);
  });

  it('refuses URLs whose host is, or resolves to, an internal address', async () => {
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://[::1]/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://[::ffff:0:7f00:1]/hook',
      'http://[64:ff9b::a9fe:a9fe]/latest/meta-data',
      'http://[2002:7f00:1::1]/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://localhost/hook',
      'http://0.0.0.0/',
    ])
      await expect(assertPublicUrl(url, refused), url).rejects.toMatchObject({
        code: 'WEBHOOK_URL_REFUSED',
      });
  });

  it('does not tell a caller which address a name resolves to', async () => {
    const refusal = await assertPublicUrl(
      'http://localhost/hook',
      refused,
    ).catch((e: unknown) => e as Error);
    expect(refusal?.message).toContain('does not resolve to a public address');
    expect(refusal?.message).not.toMatch(/127\.0\.0\.1|::1/);
  });

  it('refuses a host that does not resolve', async () => {
    await expect(
      assertPublicUrl('http://no-such-host.invalid/', refused),
    ).rejects.toMatchObject({ code: 'WEBHOOK_URL_REFUSED' });
  });

  it('allows internal addresses when configured to', async () => {
    await expect(
      assertPublicUrl('http://127.0.0.1:1/', { allowPrivate: true }),
    ).resolves.toBeUndefined();
  });

  it('checks again at connect time: a delivery to localhost never connects', async () => {
    let reached = false;
    const server = createServer((_req, res) => {
      reached = true;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      for (const host of ['localhost', '127.0.0.1'])
        await expect(
          postWebhook(`http://${host}:${port}/`, '{}', {
            headers: {},
            timeoutMs: 2_000,
            policy: refused,
          }),
        ).rejects.toMatchObject({ code: 'WEBHOOK_URL_REFUSED' });
      expect(reached).toBe(false);
      // The same receiver, allowed: the guard was the only obstacle.
      expect(
        await postWebhook(`http://localhost:${port}/`, '{}', {
          headers: {},
          timeoutMs: 2_000,
          policy: { allowPrivate: true },
        }),
      ).toBe(200);
    } finally {
      server.close();
    }
  });
});
