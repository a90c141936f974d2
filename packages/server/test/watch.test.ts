import { waitFor } from '@conveyor/testkit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isConveyorError } from '@conveyor/client';
import { startHarness, type Harness } from './support/harness.ts';
import { scriptedProcessors } from './support/scripted-processors.ts';

const redisUrl = inject('redisUrl');
type WatchEvent = { type: string; jobId: string; name: string } & Record<
  string,
  unknown
>;
/** What onData receives for a tracked() event: the stream id and the event. */
type Tracked = { id: string; data: WatchEvent };

describe('jobs.watch (SSE)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(redisUrl, {
      processors: scriptedProcessors(),
    });
  });
  afterAll(() => harness.close());

  /** Collects a watch until it completes (or errors). */
  function watch(id: string, onEvent?: (event: Tracked) => void) {
    const events: Tracked[] = [];
    const done = new Promise<void>((resolve, reject) => {
      harness.client.jobs.watch.subscribe(
        { id },
        {
          onData: (event) => {
            events.push(event);
            onEvent?.(event);
          },
          onError: reject,
          onComplete: resolve,
        },
      );
    });
    return { events, done };
  }

  const digest = (userId: string) =>
    harness.client.enqueue.mutate({
      name: 'email.digest',
      data: {
        userId,
        period: 'daily',
        startDate: new Date('2026-11-21'),
        endDate: new Date('2026-11-22'),
      },
    });

  it('streams typed progress, then the result, then ends', async () => {
    const { id } = await digest('slow-watch');
    const { events, done } = watch(id);
    await done;
    const data = events.map((e) => e.data);
    // Progress seen live may start at any step (the watch may begin mid-job), but ends with 100 then the result.
    expect(data.at(-1)).toEqual({
      jobId: id,
      name: 'email.digest',
      type: 'completed',
      result: { messageId: 'mail-slow-watch', itemCount: 3 },
    });
    expect(data.at(-2)).toMatchObject({
      type: 'progress',
      progress: { percent: 100, stage: 'done' },
    });
    const percents = data
      .filter((d) => d.type === 'progress')
      .map((d) => (d.progress as { percent: number }).percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it('on a finished job yields the terminal event at once', async () => {
    const { id } = await harness.client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'done already' },
    });
    await waitFor(async () =>
      (await harness.client.jobs.get.query({ id })).state === 'completed'
        ? true
        : undefined,
    );
    const { events, done } = watch(id);
    await done;
    expect(events.map((e) => e.data)).toEqual([
      {
        jobId: id,
        name: 'TEST_JOB',
        type: 'completed',
        result: { echoed: 'done already' },
      },
    ]);
  });

  it('reports failure and cancellation as terminal events', async () => {
    const failing = await harness.client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'always-fail' },
      options: { attempts: 1 },
    });
    const failed = watch(failing.id);
    await failed.done;
    expect(failed.events.at(-1)?.data).toMatchObject({
      type: 'failed',
      reason: 'boom on attempt 1',
    });

    const delayed = await harness.client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'never' },
      options: { delay: 60_000 },
    });
    const cancelled = watch(delayed.id);
    await new Promise((r) => setTimeout(r, 200)); // the watch is listening
    await harness.client.jobs.cancel.mutate({ id: delayed.id });
    await cancelled.done;
    expect(cancelled.events.map((e) => e.data)).toEqual([
      {
        jobId: delayed.id,
        name: 'TEST_JOB',
        type: 'cancelled',
        reason: 'cancelled by request',
      },
    ]);
  });

  it('resumes after a dropped connection with nothing lost and nothing twice', async () => {
    const job = await digest('slow-resume');
    let dropped = false;
    const { events, done } = watch(job.id, (event) => {
      if (!dropped && event.data.type === 'progress') {
        dropped = true;
        harness.dropConnections(); // the job goes on while the client is away
      }
    });
    await done;
    expect(dropped).toBe(true);
    const data = events.map((e) => e.data);
    const percents = data
      .filter((d) => d.type === 'progress')
      .map((d) => (d.progress as { percent: number }).percent);
    // 10 arrived before the drop; 50 and 100 happened while away and were
    // replayed from the last event id (a fresh watch would show only 100).
    expect(percents).toEqual([10, 50, 100]);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(data.filter((d) => d.type === 'completed')).toHaveLength(1);
    expect(data.at(-1)?.type).toBe('completed');
  });

  it('NOT_FOUND for an unknown job', async () => {
    const error = await new Promise<unknown>((resolve) => {
      harness.client.jobs.watch.subscribe(
        { id: 'missing' },
        { onError: resolve, onComplete: () => resolve(null) },
      );
    });
    expect(isConveyorError(error) && error.data?.code).toBe('NOT_FOUND');
  });
});
