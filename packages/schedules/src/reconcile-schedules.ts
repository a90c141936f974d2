import {
  contractScheduleId,
  type AnyRegistry,
  type ContractSchedule,
  type RuntimeJob,
} from '@conveyor/core';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Keyspace } from '@conveyor/queue';
import { withRedisLock } from './redis-lock.ts';
import { repeatOptions, type StoredTiming } from './schedule-timing.ts';
import { scheduleTemplate } from './schedule-template.ts';
import { upcastSchedules } from './upcast-schedules.ts';

export interface ReconcileResult {
  upserted: string[];
  removed: string[];
}

/**
 * Makes Redis hold exactly the contract's schedules (`c.{job}.{key}`): a
 * new or changed one upserted, one no longer declared removed, an unchanged
 * one left alone. Left alone matters: BullMQ's upsert replaces the pending
 * run (an `every` schedule even fires at once), so upserting on every start
 * would add runs. What was last upserted is kept as a fingerprint per id;
 * processes starting together take turns under a lock, so the later ones
 * find nothing to do. Tenants' schedules (`t.…`) are not reconciled, but
 * any schedule's data an older release stored is upcast (`upcastSchedules`).
 */
export async function reconcileSchedules(options: {
  registry: AnyRegistry;
  redis: Redis;
  keys: Keyspace;
  logger: Logger;
}): Promise<ReconcileResult> {
  const { redis, keys, logger } = options;
  const result = await withRedisLock(redis, keys.scheduleLock(), async () => {
    const reconciled = await reconcileAll(options);
    // Schedules an older release stored, at this release's input version.
    await upcastSchedules(options);
    return reconciled;
  });
  if (result.upserted.length || result.removed.length)
    logger.info(result, 'contract schedules reconciled');
  return result;
}

async function reconcileAll({
  registry,
  redis,
  keys,
}: {
  registry: AnyRegistry;
  redis: Redis;
  keys: Keyspace;
}): Promise<ReconcileResult> {
  const result: ReconcileResult = { upserted: [], removed: [] };
  const fingerprints = await redis.hgetall(keys.contractSchedules());
  for (const queueName of registry.queues) {
    const queue = new Queue(queueName, {
      connection: redis,
      prefix: keys.bullPrefix(queueName),
    });
    try {
      const declared = new Set<string>();
      for (const job of jobsOn(registry, queueName)) {
        for (const schedule of job.schedules) {
          const id = contractScheduleId(job.name, schedule.key);
          declared.add(id);
          const desired = upsertArgs(job, schedule);
          // Sealed data differs on every write: its plain form (from the
          // contract's source, so no secret) is what tells a change.
          const fingerprint = fingerprintOf(
            job.sensitive.data.length === 0
              ? desired
              : {
                  ...desired,
                  template: { ...desired.template, data: schedule },
                },
          );
          if (
            fingerprints[id] === fingerprint &&
            (await queue.getJobScheduler(id))
          )
            continue;
          await queue.upsertJobScheduler(id, desired.repeat, desired.template);
          await redis.hset(keys.contractSchedules(), id, fingerprint);
          result.upserted.push(id);
        }
      }
      for (const scheduler of await queue.getJobSchedulers(0, -1)) {
        const id = scheduler.key;
        if (!id.startsWith('c.') || declared.has(id)) continue;
        await queue.removeJobScheduler(id);
        await redis.hdel(keys.contractSchedules(), id);
        await redis.hdel(keys.scheduleTicks(), id);
        result.removed.push(id);
      }
    } finally {
      await queue.close();
    }
  }
  return result;
}

function jobsOn(registry: AnyRegistry, queue: string): RuntimeJob[] {
  return registry.names.flatMap((name: string) => {
    const job = registry.get(name);
    return job && job.queue === queue ? [job] : [];
  });
}

function upsertArgs(job: RuntimeJob, schedule: ContractSchedule) {
  const timing: StoredTiming =
    schedule.cron !== null
      ? { cron: schedule.cron, tz: schedule.tz ?? 'UTC' }
      : { everyMs: schedule.everyMs ?? 0 };
  return {
    repeat: repeatOptions(timing),
    template: scheduleTemplate(job, schedule.data, {
      tenantId: schedule.tenant,
      missed: schedule.missed,
    }),
  };
}

function fingerprintOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}
