import type { AppRegistry } from '@conveyor/jobs';
import type { HttpRoute, TenantLimitPolicy } from '@conveyor/queue';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Authenticate } from '../auth/authenticate.ts';
import type { Principal } from '../auth/principal.ts';
import type { DashboardOptions } from '../dashboard/dashboard-options.ts';
import type { HttpOptions } from '../http/http-options.ts';
import type { RequestObserver } from '../request-observer.ts';

/** The dashboard's own settings; the plugin supplies its queues, authentication and logger. */
export type PluginDashboardOptions = Omit<
  DashboardOptions,
  'queues' | 'authenticate' | 'logger'
>;

export interface ConveyorPluginOptions {
  /** Redis to connect to (`createRedisClient(url, { preset: 'api' })`); or pass `redis`. */
  redisUrl?: string;
  /** A connection the plugin takes over: it is closed with the app. */
  redis?: Redis;
  /** BullMQ key prefix (`CONVEYOR_PREFIX`); `conveyor` when omitted. */
  prefix?: string;
  /** The job catalog; `@conveyor/jobs`' registry when omitted. */
  registry?: AppRegistry;
  /** The app's own logger (`app.log`) when omitted. */
  logger?: Logger;
  /** Where tRPC is served; `/trpc` when omitted. */
  path?: string;
  /**
   * The bootstrap admin's token (as CONVEYOR_ADMIN_TOKEN): with it every
   * call needs a token (this one, or API tokens it creates). Without it and
   * without `authenticate`, only requests addressed to a loopback name are
   * served, each as the local admin (the standalone server's open mode).
   */
  adminToken?: string;
  /** The bootstrap admin's tenant; `default` when omitted. */
  adminTenant?: string;
  /** Who is calling, decided by the host instead (overrides `adminToken`). */
  authenticate?: Authenticate;
  /** Body and batch bounds; `DEFAULT_HTTP_OPTIONS` when omitted. */
  http?: Partial<Pick<HttpOptions, 'maxBodyBytes' | 'maxBatchCalls'>>;
  /** Quotas and rate limits per tenant; none when omitted. */
  limits?: TenantLimitPolicy;
  /** Told of every procedure call over HTTP (`requestLog(app.log)`). */
  observers?: readonly RequestObserver[];
  /**
   * Who `app.conveyor.client` acts as; a producer of the default tenant when
   * omitted (it may enqueue, steer and read, not manage tokens).
   */
  principal?: Principal;
  /** Extra routes beside tRPC (metrics), mounted at `path` and `path/*`. */
  routes?: readonly HttpRoute[];
  /**
   * The dashboard (`createDashboard`) at `/admin` (or its `basePath`), behind
   * the same `authenticate`; off when omitted or false.
   */
  dashboard?: boolean | PluginDashboardOptions;
}
