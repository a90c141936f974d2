import { ConveyorError } from './conveyor-error.ts';

/** The job exists but is in a state the operation does not apply to. Nothing changed. */
export class JobStateError extends ConveyorError {
  readonly code = 'INVALID_STATE';
}
