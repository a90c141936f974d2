import type { AnyRegistry } from '@conveyor/core';
import type { HttpRoute } from '@conveyor/ops';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.ts';
import type {
  ConveyorDashboardOptions,
  ConveyorOptions,
} from '../conveyor-options.ts';
import type { HttpOptions } from '../http/http-options.ts';

/** The dashboard's own settings; the plugin supplies its queues, authentication and logger. */
export type PluginDashboardOptions = ConveyorDashboardOptions;

/**
 * What the standalone server takes (`ConveyorOptions`: the registry,
 * limits, history, webhooks, auth, dashboard, metrics), with Redis and
 * the logger optional, plus where and how the host mounts it.
 */
export interface ConveyorPluginOptions<
  R extends AnyRegistry = AnyRegistry,
> extends Omit<ConveyorOptions<R>, 'redis' | 'logger'> {
  /** Redis to connect to (`createRedisClient(url, { preset: 'api' })`); or pass `redis`. */
  redisUrl?: string;
  /** A connection the plugin takes over: it is closed with the app. */
  redis?: Redis;
  /** The app's own logger (`app.log`) when omitted. */
  logger?: Logger;
  /** Where tRPC is served; `/trpc` when omitted. */
  path?: string;
  /** Body and batch bounds; `DEFAULT_HTTP_OPTIONS` when omitted. */
  http?: Partial<Pick<HttpOptions, 'maxBodyBytes' | 'maxBatchCalls'>>;
  /**
   * Who `app.conveyor.client` acts as; a producer of the default tenant when
   * omitted (it may enqueue, steer and read, not manage tokens).
   */
  principal?: Principal;
  /** Extra routes beside tRPC (each at its path and below it). */
  routes?: readonly HttpRoute[];
}
