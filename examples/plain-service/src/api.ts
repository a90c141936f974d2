// The Conveyor API on its own port: the typed enqueue, reads, watch and
// admin for this service's jobs, over tRPC.
import { startConveyorApi } from '@conveyor/server';
import { registry } from './jobs.ts';

export function startApi(options: { redisUrl: string; adminToken: string }) {
  return startConveyorApi({
    registry,
    redisUrl: options.redisUrl,
    adminToken: options.adminToken,
    host: '127.0.0.1',
    port: 0,
  });
}
