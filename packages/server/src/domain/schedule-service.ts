import {
  CONTRACT_SCHEDULE_ID,
  ContractScheduleError,
  HistoryUnavailableError,
  InvalidScheduleError,
  JobNotFoundError,
  ScheduleNotFoundError,
  type AnyRegistry,
  type EnqueueRequest,
  type ScheduleView,
} from '@conveyor/core';
import type { Keyspace, TenantLedger } from '@conveyor/queue';
import {
  findDeclaredSchedule,
  reconcileSchedules,
  type ContractScheduleViews,
  type ScheduleStore,
  type ScheduleWrite,
} from '@conveyor/schedules';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { QueueService } from '../queue-service.ts';
import type { JobReadService } from './job-read-service.ts';
import type { ReadinessService } from './readiness.ts';
import { allowedToEnqueue, type Caller } from './scope.ts';

export interface ScheduleServiceDeps<TRegistry extends AnyRegistry> {
  store: ScheduleStore;
  /** The contract's schedules, read-only. */
  contract: ContractScheduleViews;
  /** A last tick's job is shown only as the caller may read it. */
  jobs: JobReadService<TRegistry>;
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

/**
 * A tenant's runtime schedules, and the contract's: reconciled at start,
 * listed to every caller beside its own (they are the shared contract),
 * never changed through the API.
 */
export class ScheduleService<TRegistry extends AnyRegistry = AnyRegistry> {
  private readonly store: ScheduleStore;
  private readonly contract: ContractScheduleViews;
  private readonly jobs: JobReadService<TRegistry>;
  private readonly ledger: Pick<TenantLedger, 'limits'>;
  private readonly enqueue: QueueService<TRegistry>;
  private readonly readiness: ReadinessService;
  private readonly home: ScheduleServiceDeps<TRegistry>['home'];

  constructor(deps: ScheduleServiceDeps<TRegistry>) {
    ({
      store: this.store,
      contract: this.contract,
      jobs: this.jobs,
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
    if (CONTRACT_SCHEDULE_ID.test(write.name) && !this.declared(write.name))
      throw new InvalidScheduleError(
        `A tenant's schedule name is 1–63 lowercase letters, digits or - ("${write.name}" would name a contract schedule)`,
      );
    this.refuseContract(write.name);
    allowedToEnqueue(caller.principal, [write.job]);
    return this.readiness.up(async () => {
      const { maxSchedules } = await this.ledger.limits(caller.tenant);
      return this.store.upsert(caller.tenant, write, maxSchedules, (job) =>
        allowedToEnqueue(caller.principal, [job]),
      );
    });
  }

  /** The contract's schedules, then the tenant's. */
  list(tenant: string): Promise<ScheduleView[]> {
    return this.readiness.up(async () => {
      const [contract, runtime] = await Promise.all([
        this.contract.list(),
        this.store.list(tenant),
      ]);
      return Promise.all(
        [...contract, ...runtime].map((view) => this.asSeenBy(view, tenant)),
      );
    });
  }

  get(name: string, tenant: string): Promise<ScheduleView> {
    return this.readiness.up(async () =>
      this.asSeenBy(
        CONTRACT_SCHEDULE_ID.test(name)
          ? await this.contract.get(name)
          : await this.store.get(tenant, name),
        tenant,
      ),
    );
  }

  setPaused(name: string, paused: boolean, caller: Caller) {
    this.refuseContract(name);
    return this.readiness.up(async () => {
      await this.inScope(name, caller);
      return this.store.setPaused(caller.tenant, name, paused);
    });
  }

  remove(name: string, caller: Caller): Promise<void> {
    this.refuseContract(name);
    return this.readiness.up(async () => {
      await this.inScope(name, caller);
      await this.store.remove(caller.tenant, name);
    });
  }

  /** One run now, enqueued like any job (quota, rate and all); the schedule is unchanged. */
  runNow(name: string, caller: Caller) {
    this.refuseContract(name, (job) => `enqueue ${job} to run it now`);
    return this.readiness.up(async () => {
      const request = await this.store.runRequest(caller.tenant, name);
      return this.enqueue.enqueueParsed(
        request as EnqueueRequest<TRegistry['jobs']>,
        { ...caller, via: 'schedule' },
      );
    });
  }

  /** A contract schedule's name: refused in words (an unknown one is not found). */
  private refuseContract(
    name: string,
    instead?: (job: string) => string,
  ): void {
    if (!CONTRACT_SCHEDULE_ID.test(name)) return;
    const declared = this.declared(name);
    if (!declared) throw new ScheduleNotFoundError(name);
    const job = declared.job.name;
    throw new ContractScheduleError(name, job, instead?.(job));
  }

  private declared(name: string) {
    return findDeclaredSchedule(this.home.registry, name);
  }

  /**
   * A contract schedule that fires for another tenant shows its definition and
   * timing only: its payload, its tenant's name and the job a tick made are
   * that tenant's (docs/security.md). Its own tenant gets the tick's job state.
   */
  private async asSeenBy(
    view: ScheduleView,
    tenant: string,
  ): Promise<ScheduleView> {
    if (view.tenant === tenant) return this.withTick(view, tenant);
    const tick = view.lastTick && {
      at: view.lastTick.at,
      jobId: null,
      state: null,
    };
    return { ...view, tenant: null, data: null, lastTick: tick };
  }

  /**
   * The last tick's job state, read as the caller: a job that is gone shows
   * only when; so does one whose history cannot be read right now (a list
   * does not fail because PostgreSQL is down).
   */
  private async withTick(
    view: ScheduleView,
    tenant: string,
  ): Promise<ScheduleView> {
    const tick = view.lastTick;
    if (!tick?.jobId) return view;
    try {
      const job = await this.jobs.get(tick.jobId, tenant);
      return { ...view, lastTick: { ...tick, state: job.state } };
    } catch (error) {
      if (error instanceof HistoryUnavailableError) {
        return { ...view, lastTick: { ...tick, state: null } };
      }
      if (!(error instanceof JobNotFoundError)) throw error;
      return { ...view, lastTick: { at: tick.at, jobId: null, state: null } };
    }
  }

  private async inScope(name: string, caller: Caller) {
    const { name: job } = await this.store.runRequest(caller.tenant, name);
    allowedToEnqueue(caller.principal, [job]);
  }
}
