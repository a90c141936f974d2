import type { ProxiedConnection } from './proxied-connection.ts';

export interface StallProxyOptions {
  /** Where bytes go: the real server. */
  target: { host?: string; port: number };
  /** 0 or omitted: any free loopback port. */
  port?: number;
}

export interface StallOptions {
  /** Which open connections stall (default: all). */
  where?: (connection: ProxiedConnection) => boolean;
  /** Connections accepted from now on stall too, from their first byte, until `heal()`. */
  newConnections?: boolean;
}
