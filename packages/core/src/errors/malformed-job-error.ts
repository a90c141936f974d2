import { ConveyorError } from './conveyor-error.ts';

/** A stored job that cannot be decoded: written by something other than a Conveyor producer, or corrupted. */
export class MalformedJobError extends ConveyorError {
  readonly code = 'MALFORMED_JOB';
}
