import { createApiServer, createServices } from '@conveyor/server/embed';
import { createConveyorClient, type ConveyorClient } from '@conveyor/client';
import { fixtureRegistry as registry } from '@conveyor/fixtures';
import { createRedisClient } from '@conveyor/queue';
import type { AddressInfo } from 'node:net';
import { quietLogger, type BenchContext } from './context.ts';

/** The shipped API on a free port, with the shipped typed client pointed at it. */
export async function startConveyorApi(
  ctx: BenchContext,
  prefix: string,
): Promise<{ client: ConveyorClient; close(): Promise<void> }> {
  const logger = quietLogger();
  const services = createServices({
    registry,
    redis: createRedisClient(ctx.redisUrl, { preset: 'api' }),
    logger,
    prefix,
  });
  const server = createApiServer({ services, logger });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = createConveyorClient({ url: `http://127.0.0.1:${port}/trpc` });
  // One call first: connections and Queue initialisation are not what is measured.
  await client.enqueue.mutate({
    name: 'TEST_JOB',
    data: { message: 'warm-up' },
  });
  return {
    client,
    async close() {
      server.closeAllConnections();
      server.close();
      await services.close();
    },
  };
}
