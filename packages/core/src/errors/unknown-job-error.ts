import { ConveyorError } from './conveyor-error.ts';

export class UnknownJobError extends ConveyorError {
  readonly code = 'UNKNOWN_JOB';
  constructor(readonly jobName: string) {
    super(`Unknown job name "${jobName}"`);
  }
}
