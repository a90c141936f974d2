import type { AnyRegistry, DurabilitySpec } from '@conveyor/core';
import {
  Cancellation,
  createKeyspace,
  createProducer,
  JobControl,
  JobEventHub,
  JobReader,
  type TenantLimitPolicy,
} from '@conveyor/queue';
import { ContractScheduleViews, ScheduleStore } from '@conveyor/schedules';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { TokenStore } from '../auth/token-store.ts';
import { BulkService } from '../bulk/bulk-service.ts';
import type { BoardAdapterOptions } from '../dashboard/board-adapter-options.ts';
import { createBoardAdapters } from '../dashboard/create-board-adapters.ts';
import { explainWait } from '../dashboard/explain-wait.ts';
import type { ApiHistoryOptions } from '../history/api-history-options.ts';
import { JobHistory } from '../history/job-history.ts';
import { QueueService, type OnEnqueued } from '../queue-service.ts';
import {
  WebhookService,
  type WebhookServiceOptions,
} from '../webhook-service.ts';
import { CompatService } from './compat-service.ts';
import { EncryptionService } from './encryption-service.ts';
import { HistoryRecorder } from './history-recorder.ts';
import { HistoryService } from './history-service.ts';
import { JobControlService } from './job-control-service.ts';
import { JobReadService } from './job-read-service.ts';
import { ReadinessService } from './readiness.ts';
import { ScheduleService } from './schedule-service.ts';
import { TenantService } from './tenant-service.ts';

export interface ServicesOptions<TRegistry extends AnyRegistry> {
  registry: TRegistry;
  /** Fail-fast: `createRedisClient(url, { preset: 'api' })`. */
  redis: Redis;
  logger: Logger;
  /** BullMQ key prefix; `conveyor` when omitted. */
  prefix?: string;
  /** Quotas and rate limits per tenant; none when omitted. */
  limits?: TenantLimitPolicy;
  /** Replicas every enqueue waits for (a job's contract may ask more); none when omitted. */
  replicatedAck?: DurabilitySpec;
  /** Webhook URL policy and delivery retries (private addresses refused when omitted). */
  webhooks?: Omit<WebhookServiceOptions, 'redis' | 'prefix'>;
  /**
   * Told of the jobs each successful enqueue stored, for the tenant (the
   * enqueued-jobs metric). Synchronous and cheap; one that throws is ignored.
   */
  onEnqueued?: OnEnqueued;
  /**
   * Job history on: enqueues, retries, redrives and cancels are recorded
   * (who, with which key), `history.*` reads answer, and `get` falls back
   * to history for a job Redis no longer holds. Off when omitted.
   */
  history?: ApiHistoryOptions;
}

/**
 * The API's services, one per concern: what the context hands each
 * procedure (`ctx.jobs`, `ctx.schedules`, …). None reaches into another's
 * collaborators; `close` ends what they share (the producer's queues, the
 * event hub, webhook delivery, the Redis connection).
 */
export interface ConveyorServices<TRegistry extends AnyRegistry = AnyRegistry> {
  registry: TRegistry;
  enqueue: QueueService<TRegistry>;
  jobs: JobReadService<TRegistry>;
  control: JobControlService<TRegistry>;
  schedules: ScheduleService<TRegistry>;
  tenants: TenantService;
  /** API tokens, stored beside the queues. */
  tokens: TokenStore;
  /** Tenants' webhook endpoints and delivery log, beside the queues. */
  webhooks: WebhookService;
  history: HistoryService;
  /** (admin) Stored input versions, and whether this contract reads them. */
  compat: CompatService;
  readiness: ReadinessService;
  /** Bulk actions by search filter, run in the background here. */
  bulk: BulkService;
  /** (admin) Sealed values under the current key (`keys reencrypt`). */
  encryption: EncryptionService;
  /** Bull Board adapters over the catalog's queues (the dashboard). */
  dashboardAdapters(
    options: BoardAdapterOptions,
  ): ReturnType<typeof createBoardAdapters>;
  close(): Promise<void>;
}

/** The engine the API drives: one producer (with its BullMQ queues), a job reader, the event hub. */
function createEngine<TRegistry extends AnyRegistry>(
  options: ServicesOptions<TRegistry>,
) {
  const { registry, redis, logger } = options;
  const keys = createKeyspace(options.prefix);
  const producer = createProducer({
    registry,
    redis,
    keys,
    // Unused: the API stamps each caller's own tenant (enqueueParsed).
    tenantId: '',
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.replicatedAck ? { replicatedAck: options.replicatedAck } : {}),
    // The connection itself logs outages (createRedisClient).
    onError: () => undefined,
  });
  const queue = (name: string) => producer.queue(name);
  const reader = new JobReader({
    registry,
    redis,
    keys,
    queue,
    cancellation: new Cancellation(redis, keys),
    ledger: producer.ledger,
  });
  const queueNames: readonly string[] = registry.queues;
  const events = new JobEventHub(redis, keys, queueNames, logger);
  const [first] = queueNames;
  const probeKey =
    first === undefined ? undefined : queue(first).toKey('cv:probe');
  // The board reads payloads with the contract: older ones show upcast.
  const boardAdapters = (board: BoardAdapterOptions) =>
    createBoardAdapters(
      queueNames.map(queue),
      board,
      (name, job) => explainWait(reader, name, job),
      (name) => registry.get(name),
    );
  return {
    keys,
    producer,
    queue,
    queueNames,
    reader,
    events,
    probeKey,
    boardAdapters,
  };
}

/** Steering jobs one by one, and by search filter in the background. */
function steeringServices<TRegistry extends AnyRegistry>(
  reader: JobReader<TRegistry>,
  deps: {
    recorder: HistoryRecorder;
    readiness: ReadinessService;
    history: JobHistory;
    registry: TRegistry;
    logger: Logger;
  },
) {
  const { recorder, readiness, history, registry, logger } = deps;
  const control = new JobControlService(
    reader,
    new JobControl(reader),
    recorder,
    readiness,
  );
  const bulk = new BulkService({ history, control, registry, logger });
  return { control, bulk };
}

/**
 * Builds the engine and the services over it, on one Redis connection.
 * `composeConveyor` calls it; tests and hosts that serve the API
 * themselves (`createApiServer`) may too.
 */
export function createServices<TRegistry extends AnyRegistry>(
  options: ServicesOptions<TRegistry>,
): ConveyorServices<TRegistry> {
  const { registry, redis, logger } = options;
  const engine = createEngine(options);
  const { keys, producer, queue, reader, events } = engine;
  const history = new JobHistory(options.history, registry, logger);
  const recorder = new HistoryRecorder(history, reader);
  const readiness = new ReadinessService(redis, logger, engine.probeKey);
  const { onEnqueued } = options;
  const enqueue = new QueueService({ producer, recorder, logger, onEnqueued });
  const webhooks = new WebhookService({
    redis,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    allowPrivate: false,
    ...options.webhooks,
  });
  const jobs = new JobReadService(reader, events, history, readiness);
  const { control, bulk } = steeringServices(reader, {
    ...{ recorder, readiness, history, registry, logger },
  });
  return {
    registry,
    enqueue,
    jobs,
    control,
    schedules: new ScheduleService({
      store: new ScheduleStore(redis, keys, registry, queue),
      contract: new ContractScheduleViews(redis, keys, registry, queue),
      jobs,
      ledger: producer.ledger,
      enqueue,
      readiness,
      home: { registry, redis, keys, logger },
    }),
    tenants: new TenantService(
      producer.ledger,
      options.limits,
      { redis, keys, queues: registry.queues },
      readiness,
    ),
    tokens: new TokenStore(redis, keys),
    webhooks,
    history: new HistoryService(history),
    compat: new CompatService({ registry, redis, keys, history }, readiness),
    readiness,
    bulk,
    encryption: new EncryptionService({ registry, redis, keys, history }),
    dashboardAdapters: engine.boardAdapters,
    async close() {
      await bulk.close();
      await webhooks.close();
      await events.close();
      await producer.close();
      redis.disconnect();
    },
  };
}
