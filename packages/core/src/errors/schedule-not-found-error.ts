import { ConveyorError } from './conveyor-error.ts';

/** No schedule of that name for this tenant (another tenant's is not found either). */
export class ScheduleNotFoundError extends ConveyorError {
  readonly code = 'SCHEDULE_NOT_FOUND';
  constructor(readonly scheduleName: string) {
    super(`No schedule named "${scheduleName}"`);
  }
}
