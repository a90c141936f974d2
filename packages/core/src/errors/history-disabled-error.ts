import { ConveyorError } from './conveyor-error.ts';

/**
 * Job history was asked for, but this server keeps none (HISTORY=off, or
 * no DATABASE_URL). A setting, not an outage: asking again will not help.
 */
export class HistoryDisabledError extends ConveyorError {
  readonly code = 'HISTORY_DISABLED';
  constructor() {
    super(
      'Job history is off on this server: it needs DATABASE_URL (and HISTORY not set to off)',
    );
  }
}
