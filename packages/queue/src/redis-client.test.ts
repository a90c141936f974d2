import { describe, expect, it } from 'vitest';
import {
  clusterAddress,
  isClusterAddress,
  isRedisAddress,
  redisAddress,
} from './redis-client.ts';
import { SharedEnvSchema } from './service/env-schema.ts';

describe('Redis addresses', () => {
  it('one string for a server or a Cluster', () => {
    const cluster = clusterAddress(['10.0.0.1:6379', 'redis-b:7000']);
    expect(cluster).toBe('redis-cluster://10.0.0.1:6379,redis-b:7000');
    expect(isClusterAddress(cluster)).toBe(true);
    expect(isRedisAddress(cluster)).toBe(true);
    expect(isClusterAddress('redis://127.0.0.1:6379')).toBe(false);
    expect(isRedisAddress('rediss://user:pw@host:6380/2')).toBe(true);
    expect(isRedisAddress('http://host:6379')).toBe(false);
    expect(isRedisAddress('redis-cluster://host')).toBe(false);
    expect(isRedisAddress('redis-cluster://')).toBe(false);
  });

  it('REDIS_CLUSTER_NODES wins over REDIS_URL, and is checked as host:port', () => {
    const env = SharedEnvSchema.parse({
      REDIS_URL: 'redis://ignored:6379',
      REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7001',
    });
    expect(redisAddress(env)).toBe(
      'redis-cluster://10.0.0.1:7000,10.0.0.2:7001',
    );
    expect(redisAddress(SharedEnvSchema.parse({}))).toBe(
      'redis://127.0.0.1:6379',
    );
    expect(
      SharedEnvSchema.safeParse({ REDIS_CLUSTER_NODES: 'redis://a:1' }).success,
    ).toBe(false);
    expect(SharedEnvSchema.safeParse({ REDIS_URL: 'mysql://x' }).success).toBe(
      false,
    );
  });
});
