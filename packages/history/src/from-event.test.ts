import type { LifecycleEvent } from '@conveyor/queue';
import { describe, expect, it } from 'vitest';
import { transitionFromEvent } from './from-event.ts';

const event = (fields: Partial<LifecycleEvent>): LifecycleEvent => ({
  type: 'job.completed',
  id: 'x',
  at: 1_000,
  tenantId: 'acme',
  queue: 'q',
  jobId: 'j',
  name: 'n',
  run: 1,
  attempt: 2,
  attempts: 3,
  ...fields,
});

const identity = {
  jobId: 'j',
  tenantId: 'acme',
  name: 'n',
  queue: 'q',
  run: 1,
  attempt: 2,
  at: 1_000,
};

describe('transitionFromEvent', () => {
  it('records an attempt that ran here with its worker, duration and result or error', () => {
    expect(
      transitionFromEvent(
        event({ durationMs: 40, result: { ok: true } }),
        'w1',
      ),
    ).toEqual({
      ...identity,
      id: 'j:1:2:completed',
      type: 'completed',
      worker: 'w1',
      durationMs: 40,
      result: { ok: true },
    });
    const timedOut = event({
      type: 'job.retrying',
      durationMs: 500,
      error: 'Attempt timed out',
      timedOut: true,
    });
    expect(transitionFromEvent(timedOut, 'w1')).toMatchObject({
      id: 'j:1:2:retrying',
      type: 'retrying',
      error: 'Attempt timed out',
    });
    expect(
      transitionFromEvent(
        event({ type: 'job.cancelled', durationMs: 1, error: 'by user' }),
        'w1',
      ),
    ).toMatchObject({ type: 'cancelled', error: 'by user', worker: 'w1' });
  });

  it('records a failure for stalling too often without a worker (no attempt ran)', () => {
    expect(
      transitionFromEvent(
        event({ type: 'job.failed', error: 'stalled' }),
        'w1',
      ),
    ).toEqual({
      ...identity,
      id: 'j:1:2:failed',
      type: 'failed',
      error: 'stalled',
    });
  });

  it('leaves out events that are no step of the story', () => {
    for (const type of [
      'job.dead-lettered',
      'job.stalled',
      'schedule.missed',
    ] as const)
      expect(transitionFromEvent(event({ type, durationMs: 1 }), 'w')).toBe(
        null,
      );
  });
});
