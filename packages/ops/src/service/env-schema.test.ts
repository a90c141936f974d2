import { redisAddress } from '@conveyor/queue';
import { describe, expect, it } from 'vitest';
import { SharedEnvSchema } from './env-schema.ts';

describe('the shared env schema', () => {
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

  it('REDIS_SENTINELS (with REDIS_SENTINEL_NAME) wins over REDIS_URL, the Cluster over both', () => {
    const env = SharedEnvSchema.parse({
      REDIS_URL: 'redis://ignored:6379',
      REDIS_SENTINELS: '10.0.0.1:26379, 10.0.0.2:26379',
    });
    expect(redisAddress(env)).toBe(
      'redis-sentinel://10.0.0.1:26379,10.0.0.2:26379/mymaster',
    );
    expect(
      redisAddress(
        SharedEnvSchema.parse({
          REDIS_SENTINELS: 's:26379',
          REDIS_SENTINEL_NAME: 'queues',
          REDIS_CLUSTER_NODES: 'c:7000',
        }),
      ),
    ).toBe('redis-cluster://c:7000');
    expect(
      SharedEnvSchema.safeParse({ REDIS_SENTINELS: 'redis://s:1' }).success,
    ).toBe(false);
    expect(
      SharedEnvSchema.safeParse({
        REDIS_URL: 'redis-sentinel://:pw@s:26379,t:26379/queues',
      }).success,
    ).toBe(true);
  });
});
