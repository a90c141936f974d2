import { describe, expect, it } from 'vitest';
import {
  clusterAddress,
  isClusterAddress,
  isRedisAddress,
} from './redis-client.ts';

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
});
