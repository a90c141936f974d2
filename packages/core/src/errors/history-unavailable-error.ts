import { ConveyorError } from './conveyor-error.ts';

/** The history database could not be reached, or did not answer in time. */
export class HistoryUnavailableError extends ConveyorError {
  readonly code = 'HISTORY_UNAVAILABLE';
  constructor(options?: { cause?: unknown }) {
    super(
      'Job history is unavailable (its database is down); try again shortly',
      options,
    );
  }
}
