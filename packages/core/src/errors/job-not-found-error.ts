import { ConveyorError } from './conveyor-error.ts';

export class JobNotFoundError extends ConveyorError {
  readonly code = 'JOB_NOT_FOUND';
  constructor(readonly jobId: string) {
    super(`No job with id "${jobId}"`);
  }
}
