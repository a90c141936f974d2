// The worker: one BullMQ Worker per queue of the registry, running processors.ts.
import { readWorkerEnv, runWorker } from '@conveyor/worker';
import { registry } from './jobs.ts';
import { processors } from './processors.ts';

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
    // This process closes the worker itself (a daemon's main leaves SIGTERM to it).
    signals: false,
  });
}
