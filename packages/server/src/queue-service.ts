/* eslint-disable max-lines -- 466 lines: queue-service.ts split pending (issue #18) */
import {
  ConveyorError,
  ForbiddenError,
  JobNotFoundError,
  QueueFullError,
  QueueUnavailableError,
  type AnyRegistry,
  type EnqueueManyRequest,
  type EnqueueRequest,
  type JobView,
  type QueueStats,
  type QueueOf,
  type AttemptRecord,
  type ScheduleView,
} from '@conveyor/core';
import {
  Cancellation,
  createKeyspace,
  createProducer,
  DEFAULT_ENQUEUE_TIMEOUT_MS,
  isRedisOutOfMemory,
  JobControl,
  JobEventHub,
  JobReader,
  listDeadLetters,
  listJobs,
  redrive,
  readRedisCapacity,
  redriveMany,
  tenantStats,
  watchJob,
  whenReady,
  withDeadline,
  type DeadLetterFilter,
  type EnqueueResult,
  type Found,
  type ListQuery,
  type Producer,
  type TenantLedger,
  type TenantLimitPolicy,
  publishTenantPolicy,
  type Keyspace,
} from '@conveyor/queue';
import {
  reconcileSchedules,
  ScheduleStore,
  type ScheduleWrite,
} from '@conveyor/schedules';
import { createBoardAdapters } from './dashboard/create-board-adapters.ts';
import type { BoardAdapterOptions } from './dashboard/board-adapter-options.ts';
import type { Principal } from './auth/principal.ts';
import { TokenStore } from './auth/token-store.ts';
import type { ApiHistoryOptions } from './history/api-history-options.ts';
import {
  cancelledTransition,
  enqueuedTransition,
  runOf,
} from './history/api-transitions.ts';
import { JobHistory } from './history/job-history.ts';
import type {
  HistoryJobDetail,
  HistoryListQuery,
  HistoryPage,
  HistoryStatsQuery,
  HistoryStatsRow,
} from '@conveyor/history';
import {
  WebhookService,
  type WebhookServiceOptions,
} from './webhook-service.ts';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface Readiness {
  ready: boolean;
  redis: 'up' | 'down';
  /** Why not ready, in the API's error reasons: Redis down, or out of memory. */
  reason?: 'QUEUE_UNAVAILABLE' | 'QUEUE_FULL';
  /** Bytes; `max` and `ratio` are null without a maxmemory. */
  memory?: { used: number; max: number | null; ratio: number | null };
  maxmemoryPolicy?: string;
  persistence?: { aof: boolean; rdbLastSave: 'ok' | 'err' };
  warnings: string[];
}

export interface QueueServiceOptions<TRegistry extends AnyRegistry> {
  registry: TRegistry;
  /** Fail-fast: `createRedisClient(url, { preset: 'api' })`. */
  redis: Redis;
  logger: Logger;
  /** BullMQ key prefix; `conveyor` when omitted. */
  prefix?: string;
  /** Quotas and rate limits per tenant; none when omitted. */
  limits?: TenantLimitPolicy;
  /** Webhook URL policy and delivery retries (private addresses refused when omitted). */
  webhooks?: Omit<WebhookServiceOptions, 'redis' | 'prefix'>;
  /**
   * Told of the jobs each successful enqueue stored, for the tenant (the
   * enqueued-jobs metric). Synchronous and cheap; one that throws is ignored.
   */
  onEnqueued?: (jobs: readonly EnqueueResult[], tenant: string) => void;
  /**
   * Job history on: enqueues, retries, redrives and cancels are recorded
   * (who, with which key), `history.*` reads answer, and `get` falls back
   * to history for a job Redis no longer holds. Off when omitted.
   */
  history?: ApiHistoryOptions;
}

const READINESS_TIMEOUT_MS = 1_000;

/** Who acts, and for which tenant (the principal's own, or one an admin named). */
export interface Caller {
  principal: Principal;
  tenant: string;
}

function allowedToEnqueue(principal: Principal, names: readonly string[]) {
  const scope = principal.jobs;
  const denied = scope ? names.filter((name) => !scope.includes(name)) : [];
  if (denied.length > 0)
    throw new ForbiddenError(
      `This token may not enqueue or steer ${[...new Set(denied)].join(', ')}`,
    );
}

/**
 * The API's door to the queues: every procedure is one call here. It owns
 * the Redis connection, the producer (and with it the BullMQ queues), the
 * job reader, controls and the event hub; procedures never see BullMQ.
 */
export class QueueService<TRegistry extends AnyRegistry = AnyRegistry> {
  readonly registry: TRegistry;
  private readonly redis: Redis;
  private readonly logger: Logger;
  private readonly producer: Producer<TRegistry>;
  private readonly reader: JobReader<TRegistry>;
  private readonly control: JobControl<TRegistry>;
  private readonly events: JobEventHub;
  /** API tokens, stored beside the queues. */
  readonly tokens: TokenStore;
  private readonly schedules: ScheduleStore;
  /** Tenants' webhook endpoints and delivery log, beside the queues. */
  readonly webhooks: WebhookService;
  private readonly keys: Keyspace;
  private readonly policy: TenantLimitPolicy | undefined;
  private readonly onEnqueued: QueueServiceOptions<TRegistry>['onEnqueued'];
  private readonly history: JobHistory;

  constructor(options: QueueServiceOptions<TRegistry>) {
    const { registry, redis, logger } = options;
    const keys = createKeyspace(options.prefix);
    this.keys = keys;
    this.policy = options.limits;
    this.onEnqueued = options.onEnqueued;
    this.history = new JobHistory(options.history, registry, logger);
    this.registry = registry;
    this.redis = redis;
    this.logger = logger;
    this.producer = createProducer({
      registry,
      redis,
      keys,
      // Unused: the API stamps each caller's own tenant (enqueueParsed).
      tenantId: '',
      ...(options.limits ? { limits: options.limits } : {}),
      // The connection itself logs outages (createRedisClient).
      onError: () => undefined,
    });
    this.reader = new JobReader({
      registry,
      redis,
      keys,
      queue: (name) => this.producer.queue(name),
      cancellation: new Cancellation(redis, keys),
      ledger: this.producer.ledger,
    });
    this.control = new JobControl(this.reader);
    this.events = new JobEventHub(redis, keys, this.queueNames, logger);
    this.tokens = new TokenStore(redis, keys);
    this.webhooks = new WebhookService({
      redis,
      ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
      allowPrivate: false,
      ...options.webhooks,
    });
    this.schedules = new ScheduleStore(redis, keys, registry, (name) =>
      this.producer.queue(name),
    );
  }

  /** Unfinished jobs, totals and limits per tenant. */
  get ledger(): TenantLedger {
    return this.producer.ledger;
  }

  /** Bull Board adapters over the catalog's queues (the dashboard, src/dashboard). */
  /** The registry's queues, by name (a generic registry's are `any` to TS). */
  private get queueNames(): readonly string[] {
    return this.registry.queues;
  }

  dashboardAdapters(options: BoardAdapterOptions) {
    return createBoardAdapters(
      this.queueNames.map((name) => this.producer.queue(name)),
      options,
    );
  }

  /**
   * For a request the procedure's input already parsed with
   * `registry.enqueueRequest`: the producer does not parse it again. The job
   * is the caller's tenant's; a token scoped to some jobs may enqueue only
   * those. Hosts with unparsed requests use `createInProcessClient`.
   */
  enqueueParsed(request: EnqueueRequest<TRegistry['jobs']>, caller: Caller) {
    allowedToEnqueue(caller.principal, [request.name]);
    const at = Date.now();
    return this.producer
      .enqueueParsed(request, caller.tenant)
      .then(async (job) => {
        await this.recordEnqueued([job], [request], caller, at);
        return this.enqueued([job], caller.tenant, job);
      });
  }

  /** The same, for `registry.enqueueManyRequest`: all or nothing. */
  enqueueManyParsed(
    request: EnqueueManyRequest<TRegistry['jobs']>,
    caller: Caller,
  ) {
    allowedToEnqueue(
      caller.principal,
      request.jobs.map((job) => job.name),
    );
    const at = Date.now();
    return this.producer
      .enqueueManyParsed(request, caller.tenant)
      .then(async (result) => {
        await this.recordEnqueued(result.jobs, request.jobs, caller, at);
        return this.enqueued(result.jobs, caller.tenant, result);
      });
  }

  /** History's `enqueued` rows: jobs[i] is what requests[i] stored. Never throws. */
  private recordEnqueued(
    jobs: readonly EnqueueResult[],
    requests: readonly {
      data: unknown;
      options?: { idempotencyKey?: string };
    }[],
    caller: Caller,
    at: number,
  ): Promise<void> {
    if (!this.history.active) return Promise.resolve();
    return this.history.record(
      jobs.map((job, i) =>
        enqueuedTransition(job, caller.tenant, at, {
          data: requests[i]?.data,
          idempotencyKey: requests[i]?.options?.idempotencyKey,
          enqueuedBy: caller.principal.subject,
        }),
      ),
    );
  }

  /** A retried or redriven job's new run, as history's `enqueued`: the run after the one found. */
  private async recordRerun(found: Found, caller: Caller): Promise<void> {
    if (!this.history.active) return;
    const at = Date.now();
    const { id, name, queue } = this.reader.view(found);
    await this.history.record([
      enqueuedTransition({ id, name, queue }, caller.tenant, at, {
        run: runOf(found) + 1,
      }),
    ]);
  }

  /** Tells `onEnqueued`, which must never turn a stored job into an error. */
  private enqueued<T>(
    jobs: readonly EnqueueResult[],
    tenant: string,
    result: T,
  ): T {
    try {
      this.onEnqueued?.(jobs, tenant);
    } catch (error) {
      this.logger.warn({ err: error }, 'onEnqueued failed');
    }
    return result;
  }

  /**
   * Makes Redis hold the contract's schedules (workers do the same at start;
   * concurrent runs are safe). Failure is logged: the next start retries.
   */
  async reconcileSchedules(): Promise<void> {
    try {
      await this.up(() =>
        reconcileSchedules({
          registry: this.registry,
          redis: this.redis,
          keys: this.keys,
          logger: this.logger,
        }),
      );
    } catch (error) {
      this.logger.warn({ err: error }, 'contract schedules not reconciled');
    }
  }

  /**
   * Publishes this API's tenant policy (default limits, unlimited tenants)
   * for the workers, which admit the jobs schedules fire with it.
   */
  async publishTenantPolicy(): Promise<void> {
    if (!this.policy) return;
    const policy = this.policy;
    await this.up(() => publishTenantPolicy(this.redis, this.keys, policy));
  }

  /** A tenant's runtime schedule, created or changed; a new one counts against its limit. */
  scheduleUpsert(write: ScheduleWrite, caller: Caller): Promise<ScheduleView> {
    allowedToEnqueue(caller.principal, [write.job]);
    return this.up(async () => {
      const { maxSchedules } = await this.ledger.limits(caller.tenant);
      return this.schedules.upsert(caller.tenant, write, maxSchedules, (job) =>
        allowedToEnqueue(caller.principal, [job]),
      );
    });
  }

  schedulesList(tenant: string): Promise<ScheduleView[]> {
    return this.up(() => this.schedules.list(tenant));
  }

  scheduleGet(name: string, tenant: string): Promise<ScheduleView> {
    return this.up(() => this.schedules.get(tenant, name));
  }

  schedulePause(name: string, paused: boolean, caller: Caller) {
    return this.up(async () => {
      await this.scheduleInScope(name, caller);
      return this.schedules.setPaused(caller.tenant, name, paused);
    });
  }

  scheduleRemove(name: string, caller: Caller): Promise<void> {
    return this.up(async () => {
      await this.scheduleInScope(name, caller);
      await this.schedules.remove(caller.tenant, name);
    });
  }

  /** One run now, enqueued like any job (quota, rate and all); the schedule is unchanged. */
  scheduleRunNow(name: string, caller: Caller) {
    return this.up(async () => {
      const request = await this.schedules.runRequest(caller.tenant, name);
      allowedToEnqueue(caller.principal, [request.name]);
      const at = Date.now();
      const job = await this.producer.enqueueParsed(
        request as EnqueueRequest<TRegistry['jobs']>,
        caller.tenant,
      );
      await this.recordEnqueued([job], [request], caller, at);
      return this.enqueued([job], caller.tenant, job);
    });
  }

  private async scheduleInScope(name: string, caller: Caller) {
    const { name: job } = await this.schedules.runRequest(caller.tenant, name);
    allowedToEnqueue(caller.principal, [job]);
  }

  /** From Redis; once retention removed the job, from history (`archived: true`) when it is on. */
  async get(id: string, tenant: string): Promise<JobView<TRegistry>> {
    const live = await this.up(async () => {
      const found = await this.reader.find(id, tenant);
      return found ? this.reader.view(found) : null;
    });
    if (live) return live;
    const archived = await this.history.archived(id, tenant);
    if (!archived) throw new JobNotFoundError(id);
    // Validated when it was enqueued, as the live view's data was.
    return archived as unknown as JobView<TRegistry>;
  }

  /** The tenant's job history, newest first (HistoryDisabledError when off). */
  historyList(query: HistoryListQuery): Promise<HistoryPage> {
    return this.history.list(query);
  }

  /** A job's history and its attempts; NOT_FOUND for none (or another tenant's). */
  async historyGet(id: string, tenant: string): Promise<HistoryJobDetail> {
    const detail = await this.history.get(id, tenant);
    if (!detail) throw new JobNotFoundError(id);
    return detail;
  }

  historyStats(query: HistoryStatsQuery): Promise<HistoryStatsRow[]> {
    return this.history.stats(query);
  }

  /** A job's attempts, each with the wait before it (the backoff it really got). */
  attempts(id: string, tenant: string): Promise<AttemptRecord[]> {
    return this.up(async () => {
      const found = await this.reader.find(id, tenant);
      if (!found) throw new JobNotFoundError(id);
      return this.reader.attempts(found);
    });
  }

  list(query: ListQuery, tenant: string) {
    return this.up(() => listJobs(this.reader, query, tenant));
  }

  watch(
    input: { id: string; lastEventId?: string | null | undefined },
    tenant: string,
    signal: AbortSignal | undefined,
  ) {
    return watchJob(this.reader, this.events, input, tenant, signal);
  }

  /** Steering a job needs the same job scope as enqueueing it. */
  cancel(id: string, caller: Caller) {
    return this.up(async () => {
      const found = await this.inScope(id, caller);
      const reason = 'cancelled by request';
      const result = await this.control.cancel(found, caller.tenant, reason);
      // An active job's cancel is the worker's to record (its attempt ends cancelled).
      if (result.state === 'cancelled')
        await this.recordCancel(found, caller, reason);
      return result;
    });
  }

  /** A waiting or delayed job removed before its run's next attempt. Never throws. */
  private async recordCancel(found: Found, caller: Caller, reason: string) {
    if (!this.history.active) return;
    const at = Date.now();
    const { id, name, queue } = this.reader.view(found);
    await this.history.record([
      cancelledTransition(
        { id, name, queue },
        caller.tenant,
        runOf(found),
        at,
        reason,
      ),
    ]);
  }

  retry(id: string, caller: Caller) {
    return this.up(async () => {
      const found = await this.inScope(id, caller);
      const result = await this.control.retry(found, caller.tenant);
      await this.recordRerun(found, caller);
      return result;
    });
  }

  promote(id: string, caller: Caller) {
    return this.up(async () =>
      this.control.promote(await this.inScope(id, caller)),
    );
  }

  deadLetters(
    query: DeadLetterFilter & { limit: number; cursor?: string | undefined },
    tenant: string,
  ) {
    return this.up(() => listDeadLetters(this.reader, query, tenant));
  }

  redrive(id: string, caller: Caller) {
    return this.up(async () => {
      const found = await this.inScope(id, caller);
      const result = await redrive(this.reader, found, caller.tenant);
      await this.recordRerun(found, caller);
      return result;
    });
  }

  /** A token scoped to some jobs must name one of them. */
  redriveMany(filter: DeadLetterFilter & { max: number }, caller: Caller) {
    if (caller.principal.jobs && filter.name === undefined)
      throw new ForbiddenError(
        'This token may redrive only the jobs it may enqueue: name one',
      );
    if (filter.name !== undefined)
      allowedToEnqueue(caller.principal, [filter.name]);
    return this.up(() => redriveMany(this.reader, filter, caller.tenant));
  }

  /**
   * The job, read once for the whole call: NOT_FOUND for none (or another
   * tenant's), FORBIDDEN when a token scoped to some jobs may not steer it.
   */
  private async inScope(id: string, caller: Caller): Promise<Found> {
    const found = await this.reader.find(id, caller.tenant);
    if (!found) throw new JobNotFoundError(id);
    allowedToEnqueue(caller.principal, [this.reader.view(found).name]);
    return found;
  }

  /** The tenant's jobs per state, per queue. */
  stats(tenant: string): Promise<QueueStats<QueueOf<TRegistry['jobs']>>> {
    return this.up(() => tenantStats(this.reader, tenant));
  }

  /**
   * Redis answers and has room: at maxmemory under noeviction it refuses
   * every enqueue, so the API is not ready (503) although Redis is up. A
   * maxmemory-policy other than noeviction is reported but keeps the API
   * ready (it can still work, but Redis under memory pressure deletes jobs).
   */
  async readiness(): Promise<Readiness> {
    try {
      const [queue] = this.queueNames;
      const probeKey = queue && this.producer.queue(queue).toKey('cv:probe');
      const capacity = await withDeadline(
        readRedisCapacity(this.redis, probeKey ? { probeKey } : {}),
        READINESS_TIMEOUT_MS,
      );
      const policy = capacity.maxmemoryPolicy;
      const warnings = [
        ...(capacity.full
          ? ['Redis is out of memory (maxmemory reached): enqueues are refused']
          : []),
        ...(policy && policy !== 'noeviction'
          ? [
              `Redis maxmemory-policy is "${policy}"; set it to "noeviction" or jobs may be evicted`,
            ]
          : []),
        ...(capacity.persistence.rdbLastSave === 'err'
          ? ["Redis's last RDB snapshot failed; Redis may refuse writes"]
          : []),
      ];
      return {
        ready: !capacity.full,
        redis: 'up',
        ...(capacity.full ? { reason: 'QUEUE_FULL' as const } : {}),
        memory: capacity.memory,
        ...(policy ? { maxmemoryPolicy: policy } : {}),
        persistence: capacity.persistence,
        warnings,
      };
    } catch (error) {
      this.logger.debug({ err: error }, 'readiness check failed');
      return {
        ready: false,
        redis: 'down',
        reason: 'QUEUE_UNAVAILABLE',
        warnings: [],
      };
    }
  }

  /**
   * Runs a read or an action once the fail-fast connection is up (waiting
   * for it as long as an enqueue would); a Redis that is down, or drops
   * meanwhile, is a 503 QUEUE_UNAVAILABLE, not a 500.
   */
  async up<T>(work: () => Promise<T>): Promise<T> {
    try {
      await whenReady(this.redis, DEFAULT_ENQUEUE_TIMEOUT_MS);
      return await work();
    } catch (error) {
      if (error instanceof ConveyorError) throw error;
      // Out of memory, Redis refuses even the reads inside a MULTI.
      if (isRedisOutOfMemory(error)) throw new QueueFullError({ cause: error });
      if (this.redis.status === 'ready') throw error;
      throw new QueueUnavailableError({ cause: error });
    }
  }

  async close(): Promise<void> {
    await this.webhooks.close();
    await this.events.close();
    await this.producer.close();
    this.redis.disconnect();
  }
}
