import { WebhookUrlRefusedError } from '@conveyor/core';
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { embeddedIpv4 } from './embedded-ipv4.ts';

/**
 * Addresses a webhook may not reach: this host, private networks, cloud
 * metadata (169.254.169.254), carrier-grade NAT, multicast, reserved. IPv6
 * forms of them too. BlockList matches IPv4-mapped IPv6 (`::ffff:127.0.0.1`)
 * against the IPv4 rules; NAT64's well-known prefix, IPv4-translated and 6to4
 * addresses are judged by the IPv4 address they embed (embedded-ipv4.ts), so
 * an IPv6-only host behind DNS64 can still reach public receivers. The
 * local-use NAT64 prefix, IPv4-compatible and Teredo addresses have no
 * legitimate use as a webhook host and hide an IPv4 address, so they are
 * refused whole.
 */
const INTERNAL = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], // "this network", 0.0.0.0 reaches localhost on Linux
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  INTERNAL.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['::', 96], // IPv4-compatible (deprecated)
  ['64:ff9b:1::', 48], // local-use NAT64 (RFC 8215)
  ['100::', 64], // discard
  ['2001::', 32], // Teredo
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const)
  INTERNAL.addSubnet(net, bits, 'ipv6');

/** True for an address a webhook may not reach unless private ones are allowed. */
export function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true; // not an address: never trust it
  if (family === 4) return INTERNAL.check(address, 'ipv4');
  const inside = embeddedIpv4(address);
  if (inside !== undefined) return INTERNAL.check(inside, 'ipv4');
  return INTERNAL.check(address, 'ipv6');
}

export interface AddressPolicy {
  /** WEBHOOK_ALLOW_PRIVATE: internal addresses allowed (tests, an intranet). */
  allowPrivate: boolean;
}

/** The URL's host without IPv6 brackets. */
export function urlHost(url: string): string {
  return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * Resolves the URL's host and refuses it when any address it resolves to is
 * internal (one internal record is enough to be routed there). Called when a
 * webhook is created; deliveries check again at connect time (guardedLookup).
 */
export async function assertPublicUrl(
  url: string,
  policy: AddressPolicy,
): Promise<void> {
  const host = urlHost(url);
  const addresses = isIP(host)
    ? [host]
    : await dnsLookup(host, { all: true, verbatim: true }).then(
        (found) => found.map((a) => a.address),
        () => {
          throw notPublic(host);
        },
      );
  checkAddresses(host, addresses, policy);
}

function checkAddresses(
  host: string,
  addresses: readonly string[],
  policy: AddressPolicy,
): void {
  if (addresses.length === 0) throw notPublic(host);
  if (policy.allowPrivate) return;
  if (addresses.some(isInternalAddress)) throw notPublic(host);
}

/**
 * One answer for "does not resolve" and "resolves to an internal address",
 * without the address: a caller must not be able to map internal names.
 */
function notPublic(host: string): WebhookUrlRefusedError {
  return new WebhookUrlRefusedError(
    `Host "${host}" does not resolve to a public address; webhooks may only call public addresses (WEBHOOK_ALLOW_PRIVATE allows private ones)`,
  );
}

/**
 * A `lookup` for http.request: resolves, checks every address, and hands the
 * socket only addresses it checked. So a DNS answer that changes between the
 * check at creation and the connection (rebinding) cannot reach an internal
 * address. IP literals skip lookup: check them with assertPublicUrl first.
 */
export function guardedLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, verbatim: true, family: options.family })
      .then((found) => {
        checkAddresses(
          hostname,
          found.map((a) => a.address),
          policy,
        );
        if (options.all) callback(null, found);
        else {
          const [first] = found;
          if (first) callback(null, first.address, first.family);
        }
      })
      .catch((error: unknown) => {
        callback(error as NodeJS.ErrnoException, '', 0);
      });
  };
}
