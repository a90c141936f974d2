import { versionedV1Registry, versionedV2Registry } from '@conveyor/fixtures';
import { startHistoryDrainer, type HistoryDrainer } from '@conveyor/history';
import { createKeyspace, createRedisClient } from '@conveyor/queue';
import { createTestDatabase, deletePrefix } from '@conveyor/testkit';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import {
  startVersionedApi,
  versionedClient,
  type V1Client,
  type V2Client,
  type VersionedApi,
} from './versioned-api.ts';

/** A v1 API and a v2 API over one prefix and one history, with a drainer: a rolling deploy. */
export interface RollingDeploy {
  v1: VersionedApi & { client: V1Client };
  v2: VersionedApi & { client: V2Client };
  /** The worker-side Redis connection (the drainer's; workers may share it). */
  workerRedis: Redis;
  drainer: HistoryDrainer;
  close(): Promise<void>;
}

export async function startRollingDeploy(
  urls: { redisUrl: string; postgresUrl: string },
  prefix: string,
  adminToken: string,
): Promise<RollingDeploy> {
  const { redisUrl } = urls;
  const database = await createTestDatabase(urls.postgresUrl);
  const history = { databaseUrl: database.url };
  const workerRedis = createRedisClient(redisUrl, { preset: 'worker' });
  const start = (
    registry: typeof versionedV1Registry | typeof versionedV2Registry,
  ) => startVersionedApi(redisUrl, { registry, prefix, adminToken, history });
  const api1 = await start(versionedV1Registry);
  const api2 = await start(versionedV2Registry);
  const v1 = { ...api1, client: versionedClient<V1Client>(api1, adminToken) };
  const v2 = { ...api2, client: versionedClient<V2Client>(api2, adminToken) };
  const drainer = startHistoryDrainer({
    redis: workerRedis,
    keys: createKeyspace(prefix),
    db: v2.history!,
    logger: pino({ level: 'silent' }),
    blockMs: 100,
  });
  return {
    v1,
    v2,
    workerRedis,
    drainer,
    async close() {
      await drainer.close();
      await v1.close();
      await v2.close();
      workerRedis.disconnect();
      await database.drop();
      await deletePrefix(redisUrl, prefix);
    },
  };
}
