import { isIP } from 'node:net';

/**
 * Prefixes whose addresses carry an IPv4 address in fixed bits, so the
 * address is only as public as the IPv4 one inside it: NAT64's well-known
 * prefix (RFC 6052), IPv4-translated (RFC 2765/6145, `::ffff:0:a.b.c.d`) and
 * 6to4 (RFC 3056, the IPv4 in bits 16..47).
 */
const EMBEDDING: readonly {
  prefix: readonly number[];
  at: number;
}[] = [
  { prefix: [0x64, 0xff9b, 0, 0, 0, 0], at: 6 },
  { prefix: [0, 0, 0, 0, 0xffff, 0], at: 6 },
  { prefix: [0x2002], at: 1 },
];

/** The eight 16-bit groups of an IPv6 address, or undefined if it is not one. */
export function ipv6Groups(address: string): number[] | undefined {
  const bare = address.replace(/%.*$/, ''); // a zone id names an interface, not an address
  if (isIP(bare) !== 6) return undefined;
  const [head = '', tail] = bare.split('::');
  const parse = (part: string): number[] =>
    part === '' ? [] : part.split(':').flatMap(groupsOf);
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  const zeros = new Array<number>(8 - front.length - back.length).fill(0);
  return [...front, ...zeros, ...back];
}

function groupsOf(part: string): number[] {
  if (!part.includes('.')) return [parseInt(part, 16)];
  const [a = 0, b = 0, c = 0, d = 0] = part.split('.').map(Number);
  return [(a << 8) | b, (c << 8) | d];
}

/** The IPv4 address an IPv6 address embeds (NAT64, translated, 6to4), if any. */
export function embeddedIpv4(address: string): string | undefined {
  const groups = ipv6Groups(address);
  if (!groups) return undefined;
  for (const { prefix, at } of EMBEDDING) {
    if (!prefix.every((group, i) => groups[i] === group)) continue;
    const [high = 0, low = 0] = groups.slice(at, at + 2);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  return undefined;
}
