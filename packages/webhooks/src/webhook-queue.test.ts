import { describe, expect, it } from 'vitest';
import type { LifecycleEvent } from '@conveyor/queue';
import { deliveryIdOf, toWebhookBody } from './webhook-queue.ts';

const event: LifecycleEvent = {
  type: 'job.failed',
  id: 'j1:3:job.failed',
  at: Date.UTC(2026, 10, 22),
  tenantId: 'acme',
  queue: 'sms',
  jobId: 'j1',
  name: 'sms.send',
  run: 0,
  attempt: 3,
  attempts: 3,
  durationMs: 12,
  error: 'x'.repeat(5_000),
};

describe('delivery jobs', () => {
  it('have one id per event and webhook, without ":" (BullMQ ids)', () => {
    const id = deliveryIdOf(event.id, 'wh_1');
    expect(id).toMatch(/^dlv_[0-9a-f]{32}$/);
    expect(deliveryIdOf(event.id, 'wh_1')).toBe(id);
    expect(deliveryIdOf(event.id, 'wh_2')).not.toBe(id);
  });

  it('carry the event’s facts, a bounded error, and nothing else', () => {
    const body = toWebhookBody(event);
    expect(body).toEqual({
      id: 'j1:3:job.failed',
      type: 'job.failed',
      createdAt: '2026-11-22T00:00:00.000Z',
      tenantId: 'acme',
      data: {
        jobId: 'j1',
        name: 'sms.send',
        queue: 'sms',
        attempt: 3,
        attempts: 3,
        error: 'x'.repeat(1_000),
      },
    });
  });
});
