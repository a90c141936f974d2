import type { HttpRoute } from '@conveyor/ops';
import type { Logger } from '@conveyor/queue';

export interface HealthServerOptions {
  host: string;
  /** 0 = any free port (the bound one is logged and returned). */
  port: number;
  /** The worker's shared connection: ready means jobs can be fetched and locks renewed. */
  redis: { readonly status: string };
  /** /readyz is 503 while the event loop lags more than this (ms). */
  maxLagMs: number;
  logger: Logger;
  /** More reasons /readyz is 503 (the progress watchdog's); none = no objection. */
  reasons?: () => readonly string[];
  /** Served beside /healthz and /readyz (`/metrics`). */
  routes?: readonly HttpRoute[];
}
