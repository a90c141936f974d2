import {
  QuotaExceededError,
  scheduledTick,
  type QueueName,
} from '@conveyor/core';
import type { Redis } from 'ioredis';
import {
  type Keyspace,
  TenantLedger,
  readTenantPolicy,
  type AttemptInfo,
} from '@conveyor/queue';

/** How long a worker uses the published tenant policy before reading it again. */
const POLICY_TTL_MS = 10_000;

export interface FiredJobAdmission {
  /** Lists a fired job in its tenant's index (once), whatever happens to it next. */
  list(info: AttemptInfo): Promise<void>;
  /** Null: run it. A string: skip it, with this reason. */
  admit(info: AttemptInfo): Promise<string | null>;
}

/**
 * Jobs a schedule fires are added by BullMQ's scheduler, not Conveyor's
 * producer, so they skip enqueue-time admission. They are admitted when
 * they start instead: into the tenant's unfinished set (its quota, its
 * `stats`) and listing index, against its rate, with the policy the API
 * published. A tick its tenant has no room for is skipped (ends cancelled,
 * with the reason, and listed so the tenant sees it), like an enqueue
 * refused with 429. A stalled rerun that was admitted already is not
 * admitted twice.
 */
export function admitFiredJobs(
  redis: Redis,
  keys: Keyspace,
  queues: readonly QueueName[],
): FiredJobAdmission {
  let ledger: { value: TenantLedger; until: number } | undefined;
  const currentLedger = async () => {
    if (ledger && ledger.until > Date.now()) return ledger.value;
    const policy = await readTenantPolicy(redis, keys);
    const value = new TenantLedger(redis, keys, queues, policy);
    ledger = { value, until: Date.now() + POLICY_TTL_MS };
    return value;
  };
  return {
    async list(info) {
      const tick = scheduledTick(info.jobId);
      if (!tick) return;
      await redis.zadd(
        keys.index(info.queue, info.tenantId),
        'NX',
        tick.tickAt * 1_000,
        info.jobId,
      );
    },
    async admit(info) {
      const open = keys.open(info.queue, info.tenantId);
      if ((await redis.zscore(open, info.jobId)) !== null) return null;
      try {
        const job = { queue: info.queue, id: info.jobId };
        await (await currentLedger()).readmit(info.tenantId, [job]);
        return null;
      } catch (error) {
        if (error instanceof QuotaExceededError)
          return `Tick skipped: ${error.message}`;
        throw error;
      }
    },
  };
}
