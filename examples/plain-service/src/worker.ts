// The worker: one BullMQ Worker per queue of the registry, running processors.ts.
import { runWorker } from '@conveyor/worker';
import { registry } from './jobs.ts';
import { processors } from './processors.ts';

export function startWorker(redisUrl: string) {
  return runWorker({ registry, processors, redisUrl });
}
