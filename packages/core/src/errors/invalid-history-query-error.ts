import { ConveyorError } from './conveyor-error.ts';

/** A history read PostgreSQL cannot take as given (a value out of its range). Nothing was read. */
export class InvalidHistoryQueryError extends ConveyorError {
  readonly code = 'INVALID_HISTORY_QUERY';
}
