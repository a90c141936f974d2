import { Queue, type JobType } from 'bullmq';
import { Gauge } from 'prom-client';
import { withDeadline, createKeyspace } from '@conveyor/queue';
import type { MetricsRegistry, QueueDepthOptions } from './metrics-options.ts';

/** Conveyor's states, each the sum of the BullMQ lists behind it. */
const STATES: Record<string, readonly JobType[]> = {
  waiting: ['waiting', 'prioritized'],
  delayed: ['delayed'],
  active: ['active'],
  completed: ['completed'],
  failed: ['failed'],
};
const TYPES = [...new Set(Object.values(STATES).flat())];

export interface QueueDepthCollector {
  close(): Promise<void>;
}

/**
 * `conveyor_queue_jobs{queue,state}`, read from Redis when scraped (never
 * on a job's path): one `getJobCounts` per queue, reused for `cacheMs`, at
 * most one read in flight however many scrapes wait on it. A scrape waits
 * `timeoutMs` at most; when the read fails or is late the gauge is emptied
 * rather than left showing counts that may be long gone (absent = unknown).
 */
export function queueDepthCollector(
  metrics: MetricsRegistry,
  options: QueueDepthOptions,
): QueueDepthCollector {
  const { redis, cacheMs = 2_000, timeoutMs = 1_000 } = options;
  const keys = options.keys ?? createKeyspace();
  let queues: Queue[] | undefined;
  let readAt = -Infinity;
  let reading: Promise<void> | undefined;

  const gauge = new Gauge({
    name: 'conveyor_queue_jobs',
    help: 'Jobs per queue and state, as Redis held them at the last read (at most cacheMs old)',
    labelNames: ['queue', 'state'],
    registers: [metrics],
    async collect() {
      if (Date.now() - readAt < cacheMs) return;
      reading ??= read().finally(() => (reading = undefined));
      // A read still pending (Redis down, commands queued) is not repeated;
      // meanwhile the counts are unknown, so none are shown.
      await withDeadline(reading, timeoutMs).catch(() => gauge.reset());
    },
  });

  async function read(): Promise<void> {
    queues ??= options.queues.map((name) => {
      const queue = new Queue(name, {
        connection: redis,
        prefix: keys.bullPrefix(name),
      });
      queue.on('error', () => undefined); // the connection's owner logs outages
      return queue;
    });
    try {
      const counts = await Promise.all(
        queues.map((queue) => queue.getJobCounts(...TYPES)),
      );
      counts.forEach((count, i) => {
        const queue = options.queues[i] ?? '';
        for (const [state, types] of Object.entries(STATES))
          gauge.set(
            { queue, state },
            types.reduce((sum, type) => sum + (count[type] ?? 0), 0),
          );
      });
      readAt = Date.now();
    } catch {
      gauge.reset();
      // BullMQ never retries a failed initialisation: start afresh next time.
      const broken = queues;
      queues = undefined;
      await Promise.allSettled(broken.map((queue) => queue.close()));
    }
  }

  return {
    // Not waiting for a read in flight: with Redis down it may never end.
    async close() {
      await Promise.allSettled((queues ?? []).map((queue) => queue.close()));
      queues = undefined;
    },
  };
}
