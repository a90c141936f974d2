import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { eventLog } from './event-log.ts';
import type { LifecycleEvent } from './lifecycle-event.ts';

function capture(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level },
    {
      write: (l: string) =>
        void lines.push(JSON.parse(l) as Record<string, unknown>),
    },
  );
  const observer = eventLog(logger);
  return { log: (event: LifecycleEvent) => observer.onEvent?.(event), lines };
}

const base: LifecycleEvent = {
  type: 'job.completed',
  id: 'j:0:1:job.completed',
  at: 1,
  tenantId: 'acme',
  queue: 'default',
  jobId: 'j',
  name: 'TEST_JOB',
  run: 0,
  attempt: 1,
  attempts: 3,
  durationMs: 12,
};

describe('event log', () => {
  it('writes one line per attempt with its outcome, timed-out included', () => {
    const { log, lines } = capture();
    void log(base);
    void log({
      ...base,
      type: 'job.retrying',
      error: 'Attempt timed out after 100 ms',
      timedOut: true,
    });
    void log({ ...base, type: 'job.failed', error: 'boom' });
    void log({ ...base, type: 'job.dead-lettered', error: 'boom' });
    void log({ ...base, type: 'job.cancelled', error: 'by user' });
    expect(lines.map((l) => [l.event, l.outcome])).toEqual([
      ['job.completed', 'completed'],
      ['job.retrying', 'timed-out'],
      ['job.failed', 'failed'],
      ['job.cancelled', 'cancelled'],
    ]);
    expect(lines[0]).toMatchObject({
      jobId: 'j',
      name: 'TEST_JOB',
      queue: 'default',
      tenantId: 'acme',
      attempt: 1,
      durationMs: 12,
      level: 30,
    });
    expect(typeof lines[0]?.time).toBe('number');
    expect(lines[2]).toMatchObject({ level: 50, error: 'boom' });
  });

  it('builds nothing below the logger level', () => {
    const { log, lines } = capture('warn');
    void log(base);
    void log({ ...base, type: 'job.retrying', error: 'x' });
    expect(lines.map((l) => l.event)).toEqual(['job.retrying']);
  });
});
