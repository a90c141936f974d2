import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startRedisCluster } from './redis-cluster.ts';

/**
 * Vitest global setup of the `cluster` project: the same suites against a
 * real 3-master Redis Cluster (redis-server --cluster-enabled on free
 * loopback ports). `redisUrl` is then a `redis-cluster://` address, which
 * Conveyor's clients and the services' REDIS_URL accept.
 */
export default async function setup(
  project: TestProject,
): Promise<() => Promise<void>> {
  const cluster = await startRedisCluster(3);
  project.provide('redisUrl', cluster.url);
  project.provide('postgresUrl', '');
  return () => cluster.stop();
}
