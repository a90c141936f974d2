import { ConveyorError } from './conveyor-error.ts';

/**
 * A change to a schedule the contract declares: `defineJob(…, { schedules })`
 * is its only source (every start reconciles Redis to it), so the API
 * refuses and changes nothing.
 */
export class ContractScheduleError extends ConveyorError {
  readonly code = 'CONTRACT_SCHEDULE';
  constructor(
    readonly scheduleName: string,
    readonly job: string,
    instead = 'change it there',
  ) {
    super(
      `Schedule "${scheduleName}" is declared in the contract (job ${job}); ${instead}`,
    );
  }
}
