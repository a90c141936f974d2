export { deletePrefix, keysUnder, uniquePrefix, waitFor } from './helpers.ts';
export { fillRedisMemory, freeRedisMemory } from './redis-memory.ts';
export { metricSample } from './metric-sample.ts';
export {
  connectRedis,
  isClusterUrl,
  masters,
  startRedisCluster,
  type RedisClusterHandle,
  type RedisClusterOptions,
} from './redis-cluster.ts';
export { clusterMasterOf } from './cluster-failover.ts';
export { startRedisSentinelGroup } from './redis-sentinel-group.ts';
export type {
  RedisSentinelGroup,
  RedisSentinelGroupOptions,
} from './redis-sentinel-group-options.ts';
export { createTestDatabase } from './postgres-database.ts';
export { assertOwnedFolder } from './owned-folder.ts';
export { reachableBinariesCopy } from './postgres-binaries-copy.ts';
export {
  findPostgresBinaries,
  postgresServerUser,
  startPostgres,
  type PostgresServerHandle,
  type PostgresServerOptions,
} from './postgres-server.ts';
export {
  findRedisServer,
  getFreePort,
  pingRedis,
  startRedisServer,
  type RedisServerHandle,
  type RedisServerOptions,
} from './redis-server.ts';
export {
  spawnTsProcess,
  type OutputLine,
  type TsProcess,
  type TsProcessOptions,
} from './ts-process.ts';
export { freezeRedis, startRedisReplica } from './redis-replica.ts';
export { startStallProxy, type StallProxy } from './stall-proxy.ts';
export type { ProxiedConnection } from './proxied-connection.ts';
export type { StallOptions, StallProxyOptions } from './stall-proxy-options.ts';
