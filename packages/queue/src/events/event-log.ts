import type { Logger } from 'pino';
import type { LifecycleEvent, LifecycleListener } from './lifecycle-event.ts';

const LEVEL: Record<LifecycleEvent['type'], 'info' | 'warn' | 'error'> = {
  'job.completed': 'info',
  'job.retrying': 'warn',
  'job.failed': 'error',
  // The same moment as job.failed: one line is enough.
  'job.dead-lettered': 'info',
  'job.cancelled': 'info',
  'job.stalled': 'warn',
  'schedule.missed': 'warn',
};

/**
 * The worker's event log: one structured line per lifecycle event, with
 * `event` as the field to filter on. It needs no watcher connected: the
 * process that ran the job writes it.
 */
export function eventLog(logger: Logger): LifecycleListener {
  return (event) => {
    if (event.type === 'job.dead-lettered') return;
    const { type, id: _id, at: _at, ...fields } = event;
    logger[LEVEL[type]]({ event: type, ...fields }, type);
  };
}
