import { ConveyorError } from './conveyor-error.ts';

/** The tenant has as many schedules as its limit allows. Nothing was stored. */
export class ScheduleLimitError extends ConveyorError {
  readonly code = 'SCHEDULE_LIMIT';
  constructor(
    readonly tenant: string,
    readonly max: number,
  ) {
    super(
      `Tenant ${tenant} may have at most ${max} schedules; remove one first`,
    );
  }
}
