import type { RedisServerHandle } from './redis-server.ts';

export interface RedisSentinelGroupOptions {
  /** Replicas of the primary (default 2). */
  replicas?: number;
  /** Sentinels (default 3; the quorum is 2). */
  sentinels?: number;
  /** How long the primary must be silent before a Sentinel deems it down (default 1000 ms). */
  downAfterMs?: number;
}

export interface RedisSentinelGroup {
  /** `redis-sentinel://127.0.0.1:p1,…/mymaster`: what Conveyor's REDIS_URL accepts. */
  address: string;
  /** The master group's name (`mymaster`). */
  name: string;
  /** The primary it started with (`kill()` for a kill -9). */
  primary: RedisServerHandle;
  replicas: RedisServerHandle[];
  sentinels: RedisServerHandle[];
  /** The port of the primary the Sentinels report now (changes after a failover). */
  currentPrimaryPort(): Promise<number>;
  /** kill -9 everything and remove the config folder. */
  stop(): Promise<void>;
}
