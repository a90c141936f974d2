import { ConveyorError } from './conveyor-error.ts';

/** A schedule's timing cannot be scheduled (a cron pattern that only looks valid). Nothing was stored. */
export class InvalidScheduleError extends ConveyorError {
  readonly code = 'INVALID_SCHEDULE';
}
