import { ConveyorError } from './conveyor-error.ts';

/** A search or preview PostgreSQL did not finish within its statement timeout: narrow it (a job name, a shorter range, an equality filter). */
export class SearchTimeoutError extends ConveyorError {
  readonly code = 'SEARCH_TIMEOUT';
}
