import {
  contractScheduleId,
  redactAt,
  ScheduleNotFoundError,
  type AnyRegistry,
  type ContractSchedule,
  type QueueName,
  type RuntimeJob,
  type ScheduleView,
} from '@conveyor/core';
import type { Keyspace } from '@conveyor/queue';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { scheduleRuns } from './schedule-runs.ts';

/** A schedule the contract declares, with the job that declares it. */
export interface DeclaredSchedule {
  id: string;
  job: RuntimeJob;
  schedule: ContractSchedule;
}

/** Every schedule the registry's jobs declare, sorted by id. */
export function declaredSchedules(registry: AnyRegistry): DeclaredSchedule[] {
  return registry.names
    .flatMap((name: string) => {
      const job = registry.get(name);
      if (!job) return [];
      return job.schedules.map((schedule) => ({
        id: contractScheduleId(job.name, schedule.key),
        job,
        schedule,
      }));
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

export function findDeclaredSchedule(
  registry: AnyRegistry,
  id: string,
): DeclaredSchedule | undefined {
  return declaredSchedules(registry).find((declared) => declared.id === id);
}

/**
 * The contract's schedules as reads show them, read-only: named by their
 * scheduler id, with the runs of the scheduler reconciling keeps in Redis
 * (none listed until a start has reconciled it).
 */
export class ContractScheduleViews {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keyspace,
    private readonly registry: AnyRegistry,
    private readonly queue: (name: QueueName) => Queue,
  ) {}

  list(): Promise<ScheduleView[]> {
    return Promise.all(
      declaredSchedules(this.registry).map((d) => this.view(d)),
    );
  }

  async get(id: string): Promise<ScheduleView> {
    const declared = findDeclaredSchedule(this.registry, id);
    if (!declared) throw new ScheduleNotFoundError(id);
    return this.view(declared);
  }

  private async view({
    id,
    job,
    schedule,
  }: DeclaredSchedule): Promise<ScheduleView> {
    const timing =
      schedule.cron !== null
        ? { cron: schedule.cron, tz: schedule.tz ?? 'UTC' }
        : { everyMs: schedule.everyMs ?? 0 };
    const source = {
      redis: this.redis,
      keys: this.keys,
      queue: this.queue(job.queue),
    };
    return {
      name: id,
      source: 'contract',
      tenant: schedule.tenant,
      job: job.name,
      cron: schedule.cron,
      tz: schedule.tz,
      everyMs: schedule.everyMs,
      // Sensitive values as every view shows them, though the contract holds them in clear.
      data: redactAt(schedule.data, job.sensitive.data),
      missed: schedule.missed,
      paused: false,
      createdAt: null,
      updatedAt: null,
      ...(await scheduleRuns(source, id, timing, false)),
    };
  }
}
