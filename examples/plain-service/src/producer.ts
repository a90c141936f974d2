// Enqueue from inside this service, without an HTTP hop: @conveyor/core and
// @conveyor/queue are all it needs.
import {
  createProducer,
  createRedisClient,
  type Producer,
} from '@conveyor/queue';
import { registry, type Registry } from './jobs.ts';

export interface JobProducer {
  producer: Producer<Registry>;
  /** Closes the producer's queues, then the Redis connection made for it. */
  close(): Promise<void>;
}

export function createJobProducer(redisUrl: string): JobProducer {
  // Fail fast: while Redis is down an enqueue is refused at once rather than queued in memory.
  const redis = createRedisClient(redisUrl, { preset: 'producer' });
  const producer = createProducer({ registry, redis, tenantId: 'default' });
  return {
    producer,
    async close() {
      await producer.close();
      await redis.quit();
    },
  };
}
