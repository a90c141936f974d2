import { ConveyorError } from './conveyor-error.ts';

/** Redis could not be reached, or did not answer in time. */
export class QueueUnavailableError extends ConveyorError {
  readonly code = 'QUEUE_UNAVAILABLE';
  constructor(options?: { cause?: unknown }) {
    super('The job queue is unavailable; try again shortly', options);
  }
}
