// The Conveyor API on its own port: the typed enqueue, reads, watch and
// admin for this service's jobs, over tRPC.
import { readApiEnv, startConveyorApi } from '@conveyor/server';
import { registry } from './jobs.ts';

export function startApi(options: { redisUrl: string; adminToken: string }) {
  return startConveyorApi({
    registry,
    // The settings as environment variables give them; `process.env` is read when omitted.
    env: readApiEnv({
      REDIS_URL: options.redisUrl,
      CONVEYOR_ADMIN_TOKEN: options.adminToken,
      API_HOST: '127.0.0.1',
      API_PORT: '0',
      HISTORY: 'off',
      LOG_LEVEL: 'warn',
    }),
  });
}
