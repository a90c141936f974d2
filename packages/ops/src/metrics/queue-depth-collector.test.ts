import {
  deletePrefix,
  startRedisServer,
  uniquePrefix,
} from '@conveyor/testkit';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createKeyspace, createRedisClient } from '@conveyor/queue';
import { createMetricsRegistry } from './create-metrics-registry.ts';
import { queueDepthCollector } from './queue-depth-collector.ts';

const redisUrl = inject('redisUrl');
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function depthOf(text: string, state: string): number | undefined {
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('conveyor_queue_jobs{') && l.includes(`state="${state}"`),
    );
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

function collector(url: string, prefix: string, cacheMs: number) {
  const redis = createRedisClient(url, { preset: 'worker' });
  const metrics = createMetricsRegistry({
    service: 't',
    processMetrics: false,
  });
  const depth = queueDepthCollector(metrics, {
    redis,
    keys: createKeyspace(prefix),
    queues: ['default'],
    cacheMs,
    timeoutMs: 300,
  });
  cleanup.push(async () => {
    await depth.close();
    redis.disconnect();
  });
  return metrics;
}

describe('queueDepthCollector', () => {
  it('reads counts when scraped and reuses them for cacheMs', async () => {
    const prefix = uniquePrefix('depth');
    const queue = new Queue('default', {
      connection: { url: redisUrl },
      prefix: createKeyspace(prefix).bullPrefix('default'),
    });
    cleanup.push(async () => {
      await queue.close();
      await deletePrefix(redisUrl, prefix);
    });
    const metrics = collector(redisUrl, prefix, 1_500);
    await queue.add('x', {});
    expect(depthOf(await metrics.metrics(), 'waiting')).toBe(1);
    await queue.add('x', {}, { delay: 60_000 });
    await queue.add('x', {});
    // Within cacheMs: the counts of the last read.
    expect(depthOf(await metrics.metrics(), 'waiting')).toBe(1);
    await new Promise((r) => setTimeout(r, 1_600));
    const text = await metrics.metrics();
    expect([depthOf(text, 'waiting'), depthOf(text, 'delayed')]).toEqual([
      2, 1,
    ]);
  });

  it('with Redis gone, a scrape still answers within its timeout, without depth', async () => {
    const server = await startRedisServer();
    cleanup.push(() => server.stop());
    const metrics = collector(server.url, uniquePrefix('depth-down'), 0);
    expect(depthOf(await metrics.metrics(), 'waiting')).toBe(0);
    await server.stop();
    const text = await metrics.metrics();
    expect(depthOf(text, 'waiting')).toBeUndefined();
  });
});
