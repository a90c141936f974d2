import type { RedisOptions } from 'ioredis';

/**
 * The scheme of a Sentinel address:
 * `redis-sentinel://[user:password@]host:port,host:port/<masterName>`. The
 * credentials, when given, are the data nodes' (the primary and replicas);
 * the Sentinels themselves are reached without them.
 */
export const SENTINEL_SCHEME = 'redis-sentinel:';

/** The default master group name, as in Redis's own sentinel.conf. */
export const DEFAULT_SENTINEL_NAME = 'mymaster';

export interface SentinelAddress {
  sentinels: { host: string; port: number }[];
  name: string;
  username?: string;
  password?: string;
}

/** What `REDIS_SENTINELS` + `REDIS_SENTINEL_NAME` become: one string that travels like a URL. */
export function sentinelAddress(
  sentinels: readonly string[],
  name: string = DEFAULT_SENTINEL_NAME,
): string {
  return `${SENTINEL_SCHEME}//${sentinels.join(',')}/${encodeURIComponent(name)}`;
}

export function isSentinelAddress(address: string): boolean {
  return address.startsWith(`${SENTINEL_SCHEME}//`);
}

/** The parts of a Sentinel address, or null when it is not a valid one. */
export function parseSentinelAddress(address: string): SentinelAddress | null {
  if (!isSentinelAddress(address)) return null;
  const rest = address.slice(SENTINEL_SCHEME.length + 2);
  const slash = rest.lastIndexOf('/');
  if (slash < 0) return null;
  const name = decodeURIComponent(rest.slice(slash + 1));
  let hosts = rest.slice(0, slash);
  const at = hosts.lastIndexOf('@');
  const credentials = at < 0 ? '' : hosts.slice(0, at);
  hosts = hosts.slice(at + 1);
  const sentinels = hosts
    .split(',')
    .filter(Boolean)
    .map((node) => {
      const colon = node.lastIndexOf(':');
      return {
        host: node.slice(0, colon),
        port: Number(node.slice(colon + 1)),
      };
    });
  const valid =
    name.length > 0 &&
    sentinels.length > 0 &&
    sentinels.every(
      ({ host, port }) =>
        host.length > 0 && Number.isInteger(port) && port > 0 && port < 65_536,
    );
  if (!valid) return null;
  return { sentinels, name, ...splitCredentials(credentials) };
}

function splitCredentials(credentials: string): {
  username?: string;
  password?: string;
} {
  if (!credentials) return {};
  const colon = credentials.indexOf(':');
  // `:password` (no user) or `password` alone: a password, as in a redis:// URL.
  const username =
    colon < 0 ? '' : decodeURIComponent(credentials.slice(0, colon));
  const password = decodeURIComponent(credentials.slice(colon + 1));
  return {
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
  };
}

/**
 * ioredis options for a Sentinel address. Every (re)connect asks the
 * Sentinels for the primary; a primary demoted while connected is left on
 * its READONLY reply (`reconnectOnReadonly`). ioredis's `failoverDetector`
 * stays off: in ioredis 6.0 a `+switch-master` that arrives while a
 * reconnect is asking the Sentinels ends the connection for good (status
 * `end`, "Connection is closed" on every command), which the failover test
 * hit about one run in three.
 */
export function sentinelOptions(address: string): RedisOptions {
  const parsed = parseSentinelAddress(address);
  if (!parsed) throw new Error(`not a Sentinel address: ${address}`);
  return {
    sentinels: parsed.sentinels,
    name: parsed.name,
    ...(parsed.username ? { username: parsed.username } : {}),
    ...(parsed.password ? { password: parsed.password } : {}),
    failoverDetector: false,
    sentinelCommandTimeout: 1_000,
    // Bounded: with every Sentinel unreachable, keep asking (≤ 1 s apart).
    sentinelRetryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  };
}
