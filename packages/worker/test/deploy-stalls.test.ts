import { waitFor } from '@conveyor/testkit';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { faultHarness, type FaultHarness } from './support/fault-harness.ts';

const redisUrl = inject('redisUrl');
// A deploy that does not wait for the job: 200 ms of grace, then exit.
const env = {
  WORKER_SHUTDOWN_GRACE_MS: '200',
  WORKER_LOCK_DURATION_MS: '1000',
  WORKER_STALLED_INTERVAL_MS: '300',
};

describe('rolling deploys past the grace period (real daemon, separate processes)', () => {
  let harness: FaultHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('a job cut off by two deploys in a row completes; the stalls use no attempt', async () => {
    const h = (harness = faultHarness(redisUrl, 'deploys'));
    const starts = (id: string) => h.linesOf(id, 'fault job started').length;
    let daemon = h.start(env);
    await h.ready(daemon);
    const { id } = await h.producer.enqueue({
      name: 'fault.slow',
      data: { ms: 2_000 },
    });

    for (let deploy = 1; deploy <= 2; deploy++) {
      await waitFor(() => (starts(id) === deploy ? true : undefined));
      daemon.child.kill('SIGTERM');
      expect(await daemon.exited).toBe(0);
      const leftOver = daemon.lines.find((l) =>
        String(l.record?.msg).startsWith('grace period over'),
      );
      expect(leftOver?.record?.jobIds).toEqual([id]);
      daemon = h.start(env);
    }

    const job = await waitFor(
      async () => {
        const found = await h.queue.getJob(id);
        // Re-read once completed: the first read may predate the completion.
        return (await found?.getState()) === 'completed'
          ? h.queue.getJob(id)
          : undefined;
      },
      15_000,
      'the job completed',
    );
    // BullMQ's default budget (maxStalledCount 1) fails a job on its second stall.
    expect(job?.stalledCounter).toBe(2);
    expect(job?.attemptsMade).toBe(1);
    await h.linesArrived(id, 'fault job finished');
    expect(h.linesOf(id, 'fault job finished')).toHaveLength(1);
    expect(await h.queue.getFailedCount()).toBe(0);
  });
});
