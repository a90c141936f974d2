import { ConveyorError } from './conveyor-error.ts';

/** A search filter that names a field the job lacks, an operator its type does not take, or a value of the wrong kind. Nothing was read. */
export class InvalidSearchFilterError extends ConveyorError {
  readonly code = 'INVALID_SEARCH_FILTER';
}
