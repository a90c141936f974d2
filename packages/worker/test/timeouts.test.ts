import { afterEach, describe, expect, inject, it } from 'vitest';
import { waitFor } from '@conveyor/testkit';
import { faultHarness, type FaultHarness } from './support/fault-harness.ts';

const redisUrl = inject('redisUrl');

describe('attempt timeouts (real daemon, separate process)', () => {
  let harness: FaultHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  const completed = (h: FaultHarness, id: string) =>
    waitFor(
      async () => {
        const job = await h.queue.getJob(id);
        // Re-read once completed: the first read may predate the completion.
        return (await job?.getState()) === 'completed'
          ? h.queue.getJob(id)
          : undefined;
      },
      30_000,
      `job ${id} completed`,
    );

  it('an attempt past its timeout fails with a timeout error, is retried, and its late result is discarded', async () => {
    const h = (harness = faultHarness(redisUrl, 'timeout'));
    const daemon = h.start();
    await h.ready(daemon);
    const { id } = await h.producer.enqueue({
      name: 'fault.sleepy',
      data: { firstMs: 1_500 },
    });

    const job = await completed(h, id);
    // The first attempt's own result ({ attempt: 1 }) arrives 700 ms after
    // its deadline; what BullMQ stored is the second attempt's.
    expect(job?.returnvalue).toMatchObject({
      payload: { json: { attempt: 2 } },
    });
    expect(job?.attemptsMade).toBe(2);
    expect(await h.attemptErrors(id)).toEqual([
      'Attempt timed out after 800 ms',
    ]);
    await daemon.waitForLine(
      (l) =>
        l.record?.jobId === id &&
        l.record.msg ===
          'result of a timed-out attempt arrived late: discarded',
    );
    expect(
      h.linesOf(id, 'fault job finished').map((l) => l.record?.attempt),
    ).toEqual(expect.arrayContaining([1, 2]));
  });

  it('an isolated busy loop is terminated at its timeout and retried, while the main thread keeps its lock', async () => {
    const h = (harness = faultHarness(redisUrl, 'spin'));
    // Two daemons and a 1 s lock: had the loop blocked a main thread, the
    // lock would lapse within 1.5 s and the other daemon would run the job
    // a second time while the first still spun.
    const env = {
      WORKER_LOCK_DURATION_MS: '1000',
      WORKER_STALLED_INTERVAL_MS: '300',
    };
    const [a, b] = [h.start(env), h.start(env)];
    await Promise.all([h.ready(a), h.ready(b)]);
    const { id } = await h.producer.enqueue({ name: 'fault.spin', data: {} });

    const job = await completed(h, id);
    expect(job?.returnvalue).toMatchObject({
      payload: { json: { attempt: 2 } },
    });
    await h.linesArrived(id, 'fault job started', 2);
    await h.linesArrived(id, 'attempt timed out');
    const starts = h.linesOf(id, 'fault job started');
    expect(starts.map((l) => l.record?.attempt)).toEqual([1, 2]);
    const timedOut = h.linesOf(id, 'attempt timed out');
    expect(timedOut).toHaveLength(1);
    // The retry began only after the spinning attempt had been ended.
    expect(Number(starts[1]?.record?.time)).toBeGreaterThanOrEqual(
      Number(timedOut[0]?.record?.time),
    );
    expect(job?.stalledCounter).toBe(0);
    expect(job?.attemptsMade).toBe(2);
    expect(await h.attemptErrors(id)).toEqual([
      'Attempt timed out after 8000 ms',
    ]);
  });
});
