import type { AnyRegistry, EnqueueRequest, ScheduleView } from '@conveyor/core';
import type { Keyspace, TenantLedger } from '@conveyor/queue';
import {
  reconcileSchedules,
  type ScheduleStore,
  type ScheduleWrite,
} from '@conveyor/schedules';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { QueueService } from '../queue-service.ts';
import type { ReadinessService } from './readiness.ts';
import { allowedToEnqueue, type Caller } from './scope.ts';

export interface ScheduleServiceDeps<TRegistry extends AnyRegistry> {
  store: ScheduleStore;
  /** Each tenant's `maxSchedules`. */
  ledger: Pick<TenantLedger, 'limits'>;
  /** A run now is enqueued as any job is. */
  enqueue: QueueService<TRegistry>;
  readiness: ReadinessService;
  /** Where the contract's schedules live: what reconciling them needs. */
  home: {
    registry: TRegistry;
    redis: Redis;
    keys: Keyspace;
    logger: Logger;
  };
}

/** A tenant's runtime schedules, and the contract's reconciled at start. */
export class ScheduleService<TRegistry extends AnyRegistry = AnyRegistry> {
  private readonly store: ScheduleStore;
  private readonly ledger: Pick<TenantLedger, 'limits'>;
  private readonly enqueue: QueueService<TRegistry>;
  private readonly readiness: ReadinessService;
  private readonly home: ScheduleServiceDeps<TRegistry>['home'];

  constructor(deps: ScheduleServiceDeps<TRegistry>) {
    ({
      store: this.store,
      ledger: this.ledger,
      enqueue: this.enqueue,
      readiness: this.readiness,
      home: this.home,
    } = deps);
  }

  /**
   * Makes Redis hold the contract's schedules (workers do the same at start;
   * concurrent runs are safe). Failure is logged: the next start retries.
   */
  async reconcile(): Promise<void> {
    try {
      await this.readiness.up(() => reconcileSchedules(this.home));
    } catch (error) {
      this.home.logger.warn(
        { err: error },
        'contract schedules not reconciled',
      );
    }
  }

  /** A tenant's runtime schedule, created or changed; a new one counts against its limit. */
  upsert(write: ScheduleWrite, caller: Caller): Promise<ScheduleView> {
    allowedToEnqueue(caller.principal, [write.job]);
    return this.readiness.up(async () => {
      const { maxSchedules } = await this.ledger.limits(caller.tenant);
      return this.store.upsert(caller.tenant, write, maxSchedules, (job) =>
        allowedToEnqueue(caller.principal, [job]),
      );
    });
  }

  list(tenant: string): Promise<ScheduleView[]> {
    return this.readiness.up(() => this.store.list(tenant));
  }

  get(name: string, tenant: string): Promise<ScheduleView> {
    return this.readiness.up(() => this.store.get(tenant, name));
  }

  setPaused(name: string, paused: boolean, caller: Caller) {
    return this.readiness.up(async () => {
      await this.inScope(name, caller);
      return this.store.setPaused(caller.tenant, name, paused);
    });
  }

  remove(name: string, caller: Caller): Promise<void> {
    return this.readiness.up(async () => {
      await this.inScope(name, caller);
      await this.store.remove(caller.tenant, name);
    });
  }

  /** One run now, enqueued like any job (quota, rate and all); the schedule is unchanged. */
  runNow(name: string, caller: Caller) {
    return this.readiness.up(async () => {
      const request = await this.store.runRequest(caller.tenant, name);
      return this.enqueue.enqueueParsed(
        request as EnqueueRequest<TRegistry['jobs']>,
        caller,
      );
    });
  }

  private async inScope(name: string, caller: Caller) {
    const { name: job } = await this.store.runRequest(caller.tenant, name);
    allowedToEnqueue(caller.principal, [job]);
  }
}
