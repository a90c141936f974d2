import {
  contractScheduleId,
  type AnyRegistry,
  type ContractSchedule,
} from '@conveyor/jobs';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Keyspace } from '../keyspace.ts';
import { repeatOptions, type StoredTiming } from './schedule-timing.ts';
import { scheduleTemplate } from './schedule-template.ts';

export interface ReconcileResult {
  upserted: string[];
  removed: string[];
}

/**
 * Makes Redis hold exactly the contract's schedules (`c.{job}.{key}`):
 * each one upserted (created, or updated when its timing or data changed),
 * and every contract schedule no longer declared removed. Every worker and
 * API runs this at start; upserts are atomic and keyed by schedule id, so
 * processes starting together neither duplicate a schedule nor its ticks.
 * Tenants' schedules (`t.…`) are never touched here.
 */
export async function reconcileSchedules(options: {
  registry: AnyRegistry;
  redis: Redis;
  keys: Keyspace;
  logger: Logger;
}): Promise<ReconcileResult> {
  const { registry, redis, keys, logger } = options;
  const result: ReconcileResult = { upserted: [], removed: [] };
  for (const queueName of registry.queues) {
    const queue = new Queue(queueName, { connection: redis, prefix: keys.prefix });
    try {
      const declared = new Set<string>();
      const jobs = registry.names.flatMap((name: string) => {
        const job = registry.get(name);
        return job && job.queue === queueName ? [job] : [];
      });
      for (const job of jobs) {
        for (const schedule of job.schedules) {
          const id = contractScheduleId(job.name, schedule.key);
          declared.add(id);
          await queue.upsertJobScheduler(
            id,
            repeatOptions(timingOf(schedule)),
            scheduleTemplate(job, schedule.data, {
              tenantId: schedule.tenant,
              missed: schedule.missed,
            }),
          );
          result.upserted.push(id);
        }
      }
      for (const scheduler of await queue.getJobSchedulers(0, -1)) {
        const id = scheduler.key;
        if (!id.startsWith('c.') || declared.has(id)) continue;
        await queue.removeJobScheduler(id);
        result.removed.push(id);
      }
    } finally {
      await queue.close();
    }
  }
  if (result.upserted.length || result.removed.length)
    logger.info(result, 'contract schedules reconciled');
  return result;
}

function timingOf(schedule: ContractSchedule): StoredTiming {
  return schedule.cron !== null
    ? { cron: schedule.cron, tz: schedule.tz ?? 'UTC' }
    : { everyMs: schedule.everyMs ?? 0 };
}
