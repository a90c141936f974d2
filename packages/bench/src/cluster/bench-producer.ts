import { DEFAULT_TENANT } from '@conveyor/core';
import {
  fixtureRegistry as registry,
  type FixtureRegistry,
} from '@conveyor/fixtures';
import {
  createKeyspace,
  createProducer,
  createRedisClient,
  whenReady,
  type Keyspace,
  type Producer,
} from '@conveyor/queue';
import { deletePrefix, uniquePrefix } from '@conveyor/testkit';
import type { Redis } from 'ioredis';

export interface BenchProducer {
  prefix: string;
  keys: Keyspace;
  redis: Redis;
  producer: Producer<FixtureRegistry>;
}

/**
 * The in-process producer as a backend service makes it (`producer` preset,
 * fail fast), on a fresh key prefix of `url`, which `work` may fill; its
 * keys are deleted afterwards.
 */
export async function withBenchProducer<T>(
  url: string,
  work: (bench: BenchProducer) => Promise<T>,
): Promise<T> {
  const prefix = uniquePrefix('bench-cluster');
  const keys = createKeyspace(prefix);
  const redis = createRedisClient(url, { preset: 'producer' });
  try {
    // A fail-fast connection refuses commands until it is ready.
    await whenReady(redis, 10_000);
    const producer = createProducer({
      registry,
      tenantId: DEFAULT_TENANT,
      redis,
      keys,
    });
    try {
      return await work({ prefix, keys, redis, producer });
    } finally {
      await producer.close();
    }
  } finally {
    redis.disconnect();
    await deletePrefix(url, prefix);
  }
}
