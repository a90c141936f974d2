import type { Job } from 'bullmq';
import { nextRun } from '../events/job-run.ts';

/**
 * A failed job runs again with fresh attempts, as its next run: the run
 * number in its envelope grows first, so the new run's events (a second
 * failure, say) are not mistaken for replays of the first's.
 */
export async function runAgain(job: Job): Promise<void> {
  await job.updateData(nextRun(job.data));
  await job.retry('failed', {
    resetAttemptsMade: true,
    resetAttemptsStarted: true,
  });
}
