import {
  redactAt,
  type JobEnvelope,
  ScheduleLimitError,
  ScheduleNotFoundError,
  tenantScheduleId,
  type AnyRegistry,
  type QueueName,
  type ScheduleView,
} from '@conveyor/core';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Keyspace } from '@conveyor/queue';
import { withRedisLock } from './redis-lock.ts';
import {
  assertSchedulable,
  changed,
  STORE_SCRIPT,
  type ScheduleWrite,
  type StoredSchedule,
} from './stored-schedule.ts';
import { repeatOptions, storedTiming } from './schedule-timing.ts';
import { scheduleRuns } from './schedule-runs.ts';
import { encodeScheduleData, readScheduleData } from './schedule-data.ts';
import { scheduleTemplate } from './schedule-template.ts';

/**
 * Tenants' runtime schedules. The tenant's hash is the record (what
 * `list`/`get` read, paused ones included); a BullMQ Job Scheduler
 * `t.{tenant}.{name}` exists for each schedule that is not paused and fires
 * its jobs. Each change holds the schedule's lock (two calls never
 * interleave their writes) and goes record first, then scheduler: a failure
 * between the two is repaired by repeating the call, which upserts a
 * scheduler that is missing even when the record is unchanged.
 */
export class ScheduleStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keyspace,
    private readonly registry: AnyRegistry,
    private readonly queue: (name: QueueName) => Queue,
  ) {}

  /**
   * Creates or replaces `write.name`. `mayReplace` is asked about the job
   * of a schedule being replaced (a token scoped to some jobs may not
   * replace another job's schedule) and throws to refuse.
   */
  upsert(
    tenant: string,
    write: ScheduleWrite,
    maxSchedules: number | null,
    mayReplace: (job: string) => void = () => undefined,
  ): Promise<ScheduleView> {
    return this.locked(tenant, write.name, async () => {
      const previous = await this.read(tenant, write.name);
      if (previous) mayReplace(previous.job);
      return this.write(tenant, write, maxSchedules, previous);
    });
  }

  private async write(
    tenant: string,
    write: ScheduleWrite,
    maxSchedules: number | null,
    previous: StoredSchedule | null,
  ): Promise<ScheduleView> {
    const now = Date.now();
    const stored: StoredSchedule = {
      name: write.name,
      job: write.job,
      timing: storedTiming(write),
      data: this.encodeData(tenant, write),
      missed: write.missed ?? 'run-once',
      paused: previous?.paused ?? false,
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
    };
    assertSchedulable(stored.timing);
    const admitted = await STORE_SCRIPT.run(
      this.redis,
      [this.keys.schedules(tenant)],
      [write.name, JSON.stringify(stored), maxSchedules ?? -1],
    );
    if (admitted !== 1) throw new ScheduleLimitError(tenant, maxSchedules ?? 0);
    // A schedule moved to another job's queue leaves its old scheduler behind.
    if (previous && this.queueOf(previous.job) !== this.queueOf(stored.job))
      await this.unschedule(tenant, previous);
    // An unchanged schedule with its scheduler in place is left alone: a
    // retried call adds nothing (a changed interval would fire at once).
    if (
      !stored.paused &&
      (!previous ||
        changed(previous, stored) ||
        !(await this.isScheduled(tenant, stored)))
    )
      await this.schedule(tenant, stored);
    return this.view(tenant, stored);
  }

  async list(tenant: string): Promise<ScheduleView[]> {
    const all = await this.redis.hvals(this.keys.schedules(tenant));
    const schedules = all
      .map((json) => JSON.parse(json) as StoredSchedule)
      .sort((a, b) => a.name.localeCompare(b.name));
    return Promise.all(schedules.map((stored) => this.view(tenant, stored)));
  }

  async get(tenant: string, name: string): Promise<ScheduleView> {
    return this.view(tenant, await this.require(tenant, name));
  }

  setPaused(
    tenant: string,
    name: string,
    paused: boolean,
  ): Promise<ScheduleView> {
    return this.locked(tenant, name, async () => {
      const stored = await this.require(tenant, name);
      const next = { ...stored, paused, updatedAt: Date.now() };
      await this.redis.hset(
        this.keys.schedules(tenant),
        name,
        JSON.stringify(next),
      );
      if (paused) await this.unschedule(tenant, next);
      else await this.schedule(tenant, next);
      return this.view(tenant, next);
    });
  }

  remove(tenant: string, name: string): Promise<void> {
    return this.locked(tenant, name, async () => {
      const stored = await this.require(tenant, name);
      await this.unschedule(tenant, stored);
      await this.redis.hdel(this.keys.schedules(tenant), name);
      // A schedule made again under this name starts without a last tick.
      await this.redis.hdel(
        this.keys.scheduleTicks(),
        tenantScheduleId(tenant, name),
      );
    });
  }

  private locked<T>(tenant: string, name: string, work: () => Promise<T>) {
    return withRedisLock(
      this.redis,
      this.keys.tenantScheduleLock(tenant, name),
      work,
    );
  }

  private async isScheduled(tenant: string, stored: StoredSchedule) {
    const queue = this.queueOf(stored.job);
    if (!queue) return false;
    const id = tenantScheduleId(tenant, stored.name);
    return (await this.queue(queue).getJobScheduler(id)) !== undefined;
  }

  /** The job and data `runNow` enqueues (through the producer, quota and all). */
  async runRequest(
    tenant: string,
    name: string,
  ): Promise<{ name: string; data: unknown }> {
    const stored = await this.require(tenant, name);
    return { name: stored.job, data: this.dataOf(stored) };
  }

  private async schedule(tenant: string, stored: StoredSchedule) {
    const job = this.registry.get(stored.job);
    if (!job) throw new ScheduleNotFoundError(stored.name);
    const read = this.readData(stored);
    await this.queue(job.queue).upsertJobScheduler(
      tenantScheduleId(tenant, stored.name),
      repeatOptions(stored.timing),
      scheduleTemplate(job, read.payload, {
        tenantId: tenant,
        missed: stored.missed,
        version: read.version,
      }),
    );
  }

  /**
   * Removes the scheduler, and its pending run unless a worker already
   * runs it: BullMQ removes that run only while it is delayed, and one that
   * came due under a backlog would otherwise run after "stops firing".
   */
  private async unschedule(tenant: string, stored: StoredSchedule) {
    const queueName = this.queueOf(stored.job);
    if (!queueName) return;
    const queue = this.queue(queueName);
    const id = tenantScheduleId(tenant, stored.name);
    const scheduler = await queue.getJobScheduler(id);
    await queue.removeJobScheduler(id);
    if (scheduler?.next)
      await queue
        .remove(`repeat:${id}:${scheduler.next}`)
        .catch(() => undefined); // active (locked): it runs, once
  }

  private readData(stored: StoredSchedule) {
    return readScheduleData(this.registry.get(stored.job), stored.data);
  }

  private dataOf(stored: StoredSchedule): unknown {
    return this.readData(stored).payload;
  }

  /** As views show it: `sensitive()` values as `[sensitive]`. */
  private shownData(stored: StoredSchedule): unknown {
    const job = this.registry.get(stored.job);
    const { payload } = readScheduleData(job, stored.data, false);
    return redactAt(payload, job?.sensitive.data ?? []);
  }

  private encodeData(tenant: string, write: ScheduleWrite): JobEnvelope {
    return encodeScheduleData(this.registry.get(write.job), write.data, {
      tenantId: tenant,
    });
  }

  private queueOf(jobName: string): QueueName | undefined {
    return this.registry.get(jobName)?.queue;
  }

  private async read(
    tenant: string,
    name: string,
  ): Promise<StoredSchedule | null> {
    const json = await this.redis.hget(this.keys.schedules(tenant), name);
    return json === null ? null : (JSON.parse(json) as StoredSchedule);
  }

  private async require(tenant: string, name: string) {
    const stored = await this.read(tenant, name);
    if (!stored) throw new ScheduleNotFoundError(name);
    return stored;
  }

  private async view(
    tenant: string,
    stored: StoredSchedule,
  ): Promise<ScheduleView> {
    const queue = this.queueOf(stored.job);
    const runs = await scheduleRuns(
      {
        redis: this.redis,
        keys: this.keys,
        queue: queue === undefined ? undefined : this.queue(queue),
      },
      tenantScheduleId(tenant, stored.name),
      stored.timing,
      stored.paused,
    );
    const { timing } = stored;
    return {
      name: stored.name,
      source: 'runtime',
      tenant,
      job: stored.job,
      cron: timing.cron ?? null,
      tz: timing.tz ?? null,
      everyMs: timing.everyMs ?? null,
      data: this.shownData(stored),
      missed: stored.missed,
      paused: stored.paused,
      createdAt: new Date(stored.createdAt),
      updatedAt: new Date(stored.updatedAt),
      ...runs,
    };
  }
}
