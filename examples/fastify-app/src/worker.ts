// The worker (its own process in production; in-process here for the check).
import { readWorkerEnv, runWorker, type ProcessorMap } from '@conveyor/worker';
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
  return runWorker({
    registry,
    processors,
    // The settings as environment variables give them; `process.env` is read when omitted.
    env: readWorkerEnv({
      REDIS_URL: redisUrl,
      HISTORY: 'off',
      LOG_LEVEL: 'warn',
    }),
    signals: false,
  });
}
