import type { BaseAdapter } from '@bull-board/api/baseAdapter';
import { envelopeTenant, parseFailedReason } from '@conveyor/queue';
import type { Principal } from '../auth/principal.ts';
import type { ConveyorServices } from '../domain/create-services.ts';
import { MAX_RETRY_MANY } from '../domain/retry-many.ts';

/**
 * The board's "Retry all" on a queue's failed jobs: each one through
 * `jobs.retry`'s rules, for its own tenant (the board shows every
 * tenant's), as the job's retry button does. Cancelled jobs share BullMQ's
 * failed set; they are skipped, not retried. Answers in Bull Board's shape.
 */
export async function retryAllFailed(
  adapter: BaseAdapter,
  context: { services: ConveyorServices; principal: Principal },
): Promise<{ retried: number; skipped: number }> {
  const jobs = await adapter.getJobs(['failed'], 0, MAX_RETRY_MANY - 1);
  let retried = 0;
  for (const job of jobs) {
    const { id, data, failedReason } = job.toJSON() as {
      id?: string;
      data: unknown;
      failedReason?: string;
    };
    if (parseFailedReason(failedReason ?? '').cancelled) continue;
    const caller = {
      principal: context.principal,
      tenant: envelopeTenant(data),
    };
    try {
      await context.services.control.retry(String(id), caller);
      retried += 1;
    } catch {
      // Retried or removed meanwhile, out of scope or over a quota: skipped.
    }
  }
  return { retried, skipped: jobs.length - retried };
}
