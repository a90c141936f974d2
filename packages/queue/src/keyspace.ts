/**
 * Every Redis key Conveyor reads or writes, bound to the installation's
 * prefix once (`createKeyspace(prefix)`). Nothing else in the code base
 * spells a key.
 *
 * | Key                                      | Type   | Owner   | What                                                           |
 * | ---------------------------------------- | ------ | ------- | -------------------------------------------------------------- |
 * | `{p}:{queue}:{jobId}`                    | HASH   | BullMQ  | the job: `data` (a Conveyor envelope), opts, progress, result  |
 * | `{p}:{queue}:{jobId}:logs`               | LIST   | BullMQ  | the job's log; Conveyor's attempt history rows live here        |
 * | `{p}:{queue}:wait` `active` `prioritized`| LIST/Z | BullMQ  | state structures (also `delayed`, `completed`, `failed`, …)     |
 * | `{p}:{queue}:events`                     | STREAM | BullMQ  | job events (≈10k kept); Conveyor appends `cancelled`           |
 * | `{p}:{queue}:meta`, `id`, `stalled-check`| …      | BullMQ  | queue bookkeeping: never addressable through a job id          |
 * | `{p}:{queue}:cv:t:{tenant}:index`        | ZSET   | Conveyor| a tenant's job ids by creation (ms·1000 + seq): stable listing |
 * | `{p}:{queue}:cv:t:{tenant}:idem:{sha256}`| STRING | Conveyor| `"{jobId} {payloadHash}"` for an idempotency key (TTL)         |
 * | `{p}:{queue}:cv:t:{tenant}:open`         | ZSET   | Conveyor| a tenant's unfinished job ids, by admission time: the quota    |
 * | `{p}:{queue}:cv:t:{tenant}:counts`       | HASH   | Conveyor| a tenant's finished totals: completed, failed, cancelled       |
 * | `{p}:cv:t:{tenant}:limits`               | HASH   | Conveyor| a tenant's configured limits (quota, rate, burst)              |
 * | `{p}:cv:tenant-policy`                   | STRING | Conveyor| the API's default limits (JSON), for workers admitting fired jobs|
 * | `{p}:cv:t:{tenant}:rate`                 | HASH   | Conveyor| a tenant's enqueue token bucket (`tokens`, `at`)               |
 * | `{p}:cv:token:{sha256}`                  | HASH   | Conveyor| an API token, by the hash of its secret (never the secret)     |
 * | `{p}:cv:tokens`                          | HASH   | Conveyor| token id → hash, to list and revoke                            |
 * | `{p}:{queue}:cv:cancel:{jobId}`          | STRING | Conveyor| pending cancel of an active job: its reason (TTL 1 h)          |
 * | `{p}:{queue}:cv:cancelled:{jobId}`       | HASH   | Conveyor| snapshot of a waiting/delayed job removed by cancel (TTL 7 d)  |
 * | `{p}:cv:cancel` (pub/sub channel)        | —      | Conveyor| cancel requests, to every worker process                       |
 * | `{p}:cv:t:{tenant}:schedules`            | HASH   | Conveyor| a tenant's runtime schedules: name → JSON (timing, data, paused)|
 * | `{p}:{queue}:repeat:{scheduleId}`        | HASH   | BullMQ  | a Job Scheduler (`c.{job}.{key}` contract, `t.{tenant}.{name}`) |
 * | `{p}:cv:schedules:contract`              | HASH   | Conveyor| contract schedule id → fingerprint of what was last upserted   |
 * | `{p}:cv:schedules:lock`                  | STRING | Conveyor| held while one process reconciles contract schedules (TTL)     |
 * | `{p}:cv:t:{tenant}:schedule-lock:{name}` | STRING | Conveyor| held while one call changes a tenant's schedule (TTL)           |
 * | `{p}:cv:t:{tenant}:webhooks`             | HASH   | Conveyor| a tenant's webhook endpoints: id → JSON (with the secret)      |
 * | `{p}:cv:t:{tenant}:webhook-deliveries`   | HASH   | Conveyor| a tenant's delivery log: delivery id → JSON (status, attempts) |
 * | `{p}:cv:t:{tenant}:webhook-log`          | ZSET   | Conveyor| the same deliveries by creation time: newest first, capped     |
 * | `{p}:cv-webhooks:…`                      | …      | BullMQ  | the delivery queue (its own, never a job queue's)              |
 * | `{p}:cv:history`                         | STREAM | Conveyor| job history outbox: transitions waiting for PostgreSQL (one)   |
 *
 * Every per-queue key lives under `{p}:{queue}:`, so a `{hash-tagged}`
 * prefix keeps a queue on one Redis Cluster slot. Every key that holds a
 * tenant's data names the tenant (`cv:t:{tenant}`), so no read or count can
 * mix tenants by accident.
 */
export interface Keyspace {
  readonly prefix: string;
  /** A BullMQ key of a queue: a state (`completed`, `failed`, …) or a job id. */
  bull(queue: string, suffix: string): string;
  events(queue: string): string;
  index(queue: string, tenant: string): string;
  idempotency(queue: string, tenant: string, keyHash: string): string;
  open(queue: string, tenant: string): string;
  counts(queue: string, tenant: string): string;
  limits(tenant: string): string;
  tenantPolicy(): string;
  rate(tenant: string): string;
  token(hash: string): string;
  tokens(): string;
  cancelRequest(queue: string, jobId: string): string;
  cancelledJob(queue: string, jobId: string): string;
  cancelChannel(): string;
  schedules(tenant: string): string;
  contractSchedules(): string;
  scheduleLock(): string;
  tenantScheduleLock(tenant: string, name: string): string;
  webhooks(tenant: string): string;
  webhookDeliveries(tenant: string): string;
  webhookLog(tenant: string): string;
  /** The history outbox: every tenant's transitions, drained into PostgreSQL. */
  historyStream(): string;
}

/** BullMQ key prefix shared by producers, readers and workers. */
export const DEFAULT_PREFIX = 'conveyor';

export function createKeyspace(prefix: string = DEFAULT_PREFIX): Keyspace {
  const queueKey = (queue: string, rest: string) =>
    `${prefix}:${queue}:${rest}`;
  return Object.freeze({
    prefix,
    bull: queueKey,
    events: (queue: string) => queueKey(queue, 'events'),
    index: (queue: string, tenant: string) =>
      queueKey(queue, `cv:t:${tenant}:index`),
    idempotency: (queue: string, tenant: string, keyHash: string) =>
      queueKey(queue, `cv:t:${tenant}:idem:${keyHash}`),
    open: (queue: string, tenant: string) =>
      queueKey(queue, `cv:t:${tenant}:open`),
    counts: (queue: string, tenant: string) =>
      queueKey(queue, `cv:t:${tenant}:counts`),
    limits: (tenant: string) => `${prefix}:cv:t:${tenant}:limits`,
    tenantPolicy: () => `${prefix}:cv:tenant-policy`,
    rate: (tenant: string) => `${prefix}:cv:t:${tenant}:rate`,
    token: (hash: string) => `${prefix}:cv:token:${hash}`,
    tokens: () => `${prefix}:cv:tokens`,
    cancelRequest: (queue: string, jobId: string) =>
      queueKey(queue, `cv:cancel:${jobId}`),
    cancelledJob: (queue: string, jobId: string) =>
      queueKey(queue, `cv:cancelled:${jobId}`),
    cancelChannel: () => `${prefix}:cv:cancel`,
    schedules: (tenant: string) => `${prefix}:cv:t:${tenant}:schedules`,
    contractSchedules: () => `${prefix}:cv:schedules:contract`,
    scheduleLock: () => `${prefix}:cv:schedules:lock`,
    tenantScheduleLock: (tenant: string, name: string) =>
      `${prefix}:cv:t:${tenant}:schedule-lock:${name}`,
    webhooks: (tenant: string) => `${prefix}:cv:t:${tenant}:webhooks`,
    webhookDeliveries: (tenant: string) =>
      `${prefix}:cv:t:${tenant}:webhook-deliveries`,
    webhookLog: (tenant: string) => `${prefix}:cv:t:${tenant}:webhook-log`,
    historyStream: () => `${prefix}:cv:history`,
  });
}
