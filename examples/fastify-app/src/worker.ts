// The worker (its own process in production; in-process here for the check).
import { runWorker } from '@conveyor/worker';
import type { ProcessorMap } from '@conveyor/queue';
import { registry, type Registry } from './jobs.ts';

const processors: ProcessorMap<Registry> = {
  'sms.send': async ({ organizationId, to }) => ({
    messageId: `sms-${organizationId}-${to}`,
  }),
  'email.digest': async ({ userId }, { progress }) => {
    await progress({ percent: 100 });
    return { itemCount: userId.length };
  },
};

export function startWorker(redisUrl: string) {
  return runWorker({ registry, processors, redisUrl });
}
