/**
 * Every Redis key Conveyor reads or writes, bound to the installation's
 * prefix once (`createKeyspace(prefix)`). Nothing else in the code base
 * spells a key.
 *
 * | Key                                           | Type   | Owner   | What                                                           |
 * | --------------------------------------------- | ------ | ------- | -------------------------------------------------------------- |
 * | `{Q}:{jobId}`                                 | HASH   | BullMQ  | the job: `data` (a Conveyor envelope), opts, progress, result  |
 * | `{Q}:{jobId}:logs`                            | LIST   | BullMQ  | the job's log; Conveyor's attempt history rows live here        |
 * | `{Q}:wait` `active` `prioritized` …           | LIST/Z | BullMQ  | state structures (also `delayed`, `completed`, `failed`, …)     |
 * | `{Q}:events`                                  | STREAM | BullMQ  | job events (≈10k kept); Conveyor appends `cancelled`           |
 * | `{Q}:meta`, `id`, `stalled-check`             | …      | BullMQ  | queue bookkeeping: never addressable through a job id          |
 * | `{Q}:repeat:{scheduleId}`                     | HASH   | BullMQ  | a Job Scheduler (`c.{job}.{key}` contract, `t.{tenant}.{name}`) |
 * | `{Q}:cv:t:{tenant}:index`                     | ZSET   | Conveyor| a tenant's job ids by creation (ms·1000 + seq): stable listing |
 * | `{Q}:cv:t:{tenant}:idem:{sha256}`             | STRING | Conveyor| `"{jobId} {payloadHash}"` for an idempotency key (TTL)         |
 * | `{Q}:cv:fc:lane:{lane}`                       | ZSET   | Conveyor| a lane's held job ids by priority·2³² + seq (flow control)     |
 * | `{Q}:cv:fc:t:{tenant}:ready`                  | ZSET   | Conveyor| a tenant's lanes that may dispatch, by their head job's score  |
 * | `{Q}:cv:fc:tenants`                           | ZSET   | Conveyor| tenants with a ready lane, by pass (virtual time): fair share  |
 * | `{Q}:cv:fc:pass`                              | HASH   | Conveyor| pass of a tenant while it has no ready lane (no credit idling) |
 * | `{Q}:cv:fc:vt`                                | STRING | Conveyor| the pass of the latest dispatch (where returning tenants join) |
 * | `{Q}:cv:fc:weights`                           | HASH   | Conveyor| tenant → fair-share weight (mirrored from `{T}:limits`)        |
 * | `{Q}:cv:fc:backlog`                           | HASH   | Conveyor| tenant → held jobs (not yet dispatched)                        |
 * | `{Q}:cv:fc:seq`                               | STRING | Conveyor| FIFO counter of held jobs                                      |
 * | `{Q}:cv:fc:sleep`                             | ZSET   | Conveyor| lanes parked by a full key or an empty bucket, by wake time    |
 * | `{Q}:cv:fc:slots:{lane}`                      | ZSET   | Conveyor| job ids holding one of the lane's concurrency slots, by lease  |
 * | `{Q}:cv:fc:limiters`                          | ZSET   | Conveyor| lanes with slots, by last use: swept for dead holders          |
 * | `{Q}:cv:fc:bucket:{lane or *:job:}`           | HASH   | Conveyor| a rate limit's token bucket (`tokens`, `at`; expires idle)     |
 * | `{Q}:cv:cancel:{jobId}`                       | STRING | Conveyor| pending cancel of an active job: its reason (TTL 1 h)          |
 * | `{Q}:cv:handback:{jobId}`                    | STRING | Conveyor| a job handed back as too new: versions, count, at (JSON, 1 d)  |
 * | `{Q}:cv:dd:{jobId}`                           | HASH   | Conveyor| a deduplicated add's pre-add snapshot (lives inside its MULTI) |
 * | `{Q}:de:{tenant}:{job}:{key}`, `dn:…`         | STR/H  | BullMQ  | deduplication: the key's job; keep-last's next job              |
 * | `{Q}:cv:cancelled:{jobId}`                    | HASH   | Conveyor| snapshot of a waiting/delayed job removed by cancel (TTL 7 d)  |
 * | `{T}:open:{queue}`                            | ZSET   | Conveyor| a tenant's unfinished job ids, by admission time: the quota    |
 * | `{T}:counts:{queue}`                          | HASH   | Conveyor| a tenant's finished totals: completed, failed, cancelled       |
 * | `{T}:limits`                                  | HASH   | Conveyor| a tenant's configured limits (quota, rate, burst)              |
 * | `{T}:rate`                                    | HASH   | Conveyor| a tenant's enqueue token bucket (`tokens`, `at`)               |
 * | `{T}:schedules`                               | HASH   | Conveyor| a tenant's runtime schedules: name → JSON (timing, data, paused)|
 * | `{T}:schedule-lock:{name}`                    | STRING | Conveyor| held while one call changes a tenant's schedule (TTL)           |
 * | `{T}:webhooks`                                | HASH   | Conveyor| a tenant's webhook endpoints: id → JSON (with the secret)      |
 * | `{T}:webhook-deliveries`                      | HASH   | Conveyor| a tenant's delivery log: delivery id → JSON (status, attempts) |
 * | `{T}:webhook-log`                             | ZSET   | Conveyor| the same deliveries by creation time: newest first, capped     |
 * | `{p}:cv:{tokens}:token:{sha256}`              | HASH   | Conveyor| an API token, by the hash of its secret (never the secret)     |
 * | `{p}:cv:{tokens}:all`                         | HASH   | Conveyor| token id → hash, to list and revoke                            |
 * | `{p}:cv:tenant-policy`                        | STRING | Conveyor| the API's default limits (JSON), for workers admitting fired jobs|
 * | `{p}:cv:cancel` (pub/sub channel)             | —      | Conveyor| cancel requests, to every worker process                       |
 * | `{p}:cv:schedules:contract`                   | HASH   | Conveyor| contract schedule id → fingerprint of what was last upserted   |
 * | `{p}:cv:schedules:lock`                       | STRING | Conveyor| held while one process reconciles contract schedules (TTL)     |
 * | `{p}:cv:history`                              | STREAM | Conveyor| job history outbox: transitions waiting for PostgreSQL (one)   |
 * | `{p}:{cv-webhooks}:cv-webhooks:…`             | …      | BullMQ  | the delivery queue (its own, never a job queue's)              |
 *
 * where `{Q}` is `{p}:{<queue>}:<queue>` (BullMQ's prefix for the queue is
 * `{p}:{<queue>}`) and `{T}` is `{p}:cv:t:{<tenant>}`; the braces are literal.
 * A flow-control lane `{lane}` is `{tenant}:{job}:{key}` (key empty for a job
 * without one); the Lua scripts in `flow/` build these names from
 * `flowPrefix`, inside the queue's slot. A held job's hash also carries
 * `cvh` (held), `cvf` (its lane and limits, JSON) and `cvd` (dispatched, not
 * yet started).
 *
 * **Redis Cluster.** The braces are hash tags: every key of one queue lives
 * on one slot (BullMQ's scripts and Conveyor's add transaction touch only
 * those); every key of one tenant's ledger and settings on another (the
 * admission script touches only those: quota, bucket, open entries); the
 * tokens on a third. Different queues and tenants spread across shards. The
 * one operation that would span slots, a batch across queues, is refused on
 * a Cluster (`CrossSlotBatchError`). A prefix that itself holds braces pins
 * everything to one slot, which is also valid.
 *
 * Every key that holds a tenant's data names the tenant, so no read or
 * count can mix tenants by accident.
 */
export interface Keyspace {
  readonly prefix: string;
  /** BullMQ's `prefix` option for a queue: the installation's prefix plus the queue's hash tag. */
  bullPrefix(queue: string): string;
  /** A BullMQ key of a queue: a state (`completed`, `failed`, …) or a job id. */
  bull(queue: string, suffix: string): string;
  events(queue: string): string;
  /** `{Q}:`: the prefix BullMQ's scripts put before a job id (and Conveyor's Lua before its flow keys). */
  queueKeyPrefix(queue: string): string;
  /** `{Q}:cv:fc:`: every flow-control key of a queue starts with it. */
  flowPrefix(queue: string): string;
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
  /** A job's latest hand-back: a worker that knows an older version of its input put it back. */
  handBack(queue: string, jobId: string): string;
  deduplicationSnapshot(queue: string, jobId: string): string;
  cancelChannel(): string;
  schedules(tenant: string): string;
  contractSchedules(): string;
  /** Per schedule id, the latest tick (ms) a worker started. */
  scheduleTicks(): string;
  scheduleLock(): string;
  tenantScheduleLock(tenant: string, name: string): string;
  webhooks(tenant: string): string;
  webhookDeliveries(tenant: string): string;
  webhookLog(tenant: string): string;
  /** The history outbox: every tenant's transitions, drained into PostgreSQL. */
  historyStream(): string;
}

/**
 * The part of a key Redis Cluster hashes to pick its slot: the first `{…}`
 * with something inside, else the whole key. Keys with the same tag may
 * share a transaction, a script or a pipeline on a Cluster.
 */
export function hashTag(key: string): string {
  return /\{([^}]+)\}/.exec(key)?.[1] ?? key;
}

/** BullMQ key prefix shared by producers, readers and workers. */
export const DEFAULT_PREFIX = 'conveyor';

export function createKeyspace(prefix: string = DEFAULT_PREFIX): Keyspace {
  const bullPrefix = (queue: string) => `${prefix}:{${queue}}`;
  const queueKey = (queue: string, rest: string) =>
    `${prefix}:{${queue}}:${queue}:${rest}`;
  const tenantKey = (tenant: string, rest: string) =>
    `${prefix}:cv:t:{${tenant}}:${rest}`;
  return Object.freeze({
    prefix,
    bullPrefix,
    bull: queueKey,
    events: (queue: string) => queueKey(queue, 'events'),
    queueKeyPrefix: (queue: string) => queueKey(queue, ''),
    flowPrefix: (queue: string) => queueKey(queue, 'cv:fc:'),
    index: (queue: string, tenant: string) =>
      queueKey(queue, `cv:t:${tenant}:index`),
    idempotency: (queue: string, tenant: string, keyHash: string) =>
      queueKey(queue, `cv:t:${tenant}:idem:${keyHash}`),
    open: (queue: string, tenant: string) => tenantKey(tenant, `open:${queue}`),
    counts: (queue: string, tenant: string) =>
      tenantKey(tenant, `counts:${queue}`),
    limits: (tenant: string) => tenantKey(tenant, 'limits'),
    tenantPolicy: () => `${prefix}:cv:tenant-policy`,
    rate: (tenant: string) => tenantKey(tenant, 'rate'),
    token: (hash: string) => `${prefix}:cv:{tokens}:token:${hash}`,
    tokens: () => `${prefix}:cv:{tokens}:all`,
    cancelRequest: (queue: string, jobId: string) =>
      queueKey(queue, `cv:cancel:${jobId}`),
    cancelledJob: (queue: string, jobId: string) =>
      queueKey(queue, `cv:cancelled:${jobId}`),
    handBack: (queue: string, jobId: string) =>
      queueKey(queue, `cv:handback:${jobId}`),
    deduplicationSnapshot: (queue: string, jobId: string) =>
      queueKey(queue, `cv:dd:${jobId}`),
    cancelChannel: () => `${prefix}:cv:cancel`,
    schedules: (tenant: string) => tenantKey(tenant, 'schedules'),
    contractSchedules: () => `${prefix}:cv:schedules:contract`,
    scheduleTicks: () => `${prefix}:cv:schedules:ticks`,
    scheduleLock: () => `${prefix}:cv:schedules:lock`,
    tenantScheduleLock: (tenant: string, name: string) =>
      tenantKey(tenant, `schedule-lock:${name}`),
    webhooks: (tenant: string) => tenantKey(tenant, 'webhooks'),
    webhookDeliveries: (tenant: string) =>
      tenantKey(tenant, 'webhook-deliveries'),
    webhookLog: (tenant: string) => tenantKey(tenant, 'webhook-log'),
    historyStream: () => `${prefix}:cv:history`,
  });
}
