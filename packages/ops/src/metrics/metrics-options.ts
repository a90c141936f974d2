import type { AnyRegistry } from '@conveyor/core';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { Keyspace } from '@conveyor/queue';

/** A service's own metrics registry (never prom-client's global one). */
export type MetricsRegistry = Registry;

export interface MetricsRegistryOptions {
  /** Every series carries it as `service` (`conveyor-api`, `conveyor-worker`). */
  service: string;
  /** Node process metrics (CPU, memory, event loop, GC): on by default. */
  processMetrics?: boolean;
}

/** Which labels job metrics carry, and how many values each may take. */
export interface JobLabelOptions {
  /** The contract: its queues and job names are the label values; others become `other`. */
  registry: AnyRegistry;
  /** A `tenant` label on job and request metrics (METRICS_TENANT_LABELS): off by default. */
  tenantLabels?: boolean;
  /** Distinct tenants labelled before the rest count as `other` (default 1,000). */
  maxTenants?: number;
}

export interface QueueDepthOptions {
  /** A shared connection; its commands get `timeoutMs` before a scrape gives up. */
  redis: Redis;
  keys?: Keyspace;
  queues: readonly string[];
  /** Counts are reused this long, so close scrapes cost Redis nothing (default 2 s). */
  cacheMs?: number;
  /** A scrape waits at most this long for Redis, then serves the last counts (default 1 s). */
  timeoutMs?: number;
}

export interface MetricsRouteOptions {
  /** When set, a scrape needs `Authorization: Bearer <token>` (401 otherwise). */
  token?: string | undefined;
  /** Default `/metrics`. */
  path?: string;
}
