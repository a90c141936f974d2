import { ConveyorError } from './conveyor-error.ts';

/**
 * Redis refused the write because it reached its memory limit (`maxmemory`
 * with `noeviction`). Unlike `QueueUnavailableError`, retrying at once does
 * not help: someone has to free memory or raise the limit.
 */
export class QueueFullError extends ConveyorError {
  readonly code = 'QUEUE_FULL';
  constructor(options?: { cause?: unknown }) {
    super(
      'The job queue is out of memory; nothing was enqueued; try again later',
      options,
    );
  }
}
