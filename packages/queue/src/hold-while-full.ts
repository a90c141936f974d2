import type { Worker } from 'bullmq';
import type { RedisCapacityWatch } from './redis-capacity-watch.ts';

/**
 * An `error` listener for a BullMQ Worker. When Redis refuses the worker's
 * fetch for lack of memory, BullMQ emits the error and asks again at once:
 * thousands of refused scripts (and log lines) a second until memory returns.
 * This pauses the worker locally on the first OOM refusal (jobs already
 * running go on), and resumes it once `watch` sees room. Returns true when it
 * handled the error, so the caller can skip its own log line (the watch logs
 * the episode once).
 */
export function holdWhileFull(
  worker: Worker,
  watch: RedisCapacityWatch,
): (error: unknown) => boolean {
  let holding = false;
  return (error) => {
    if (!watch.observe(error)) return false;
    if (!holding) {
      holding = true;
      void worker
        .pause(true)
        .then(() => watch.whenRoom())
        .then(() => {
          holding = false;
          return worker.resume();
        });
    }
    return true;
  };
}
