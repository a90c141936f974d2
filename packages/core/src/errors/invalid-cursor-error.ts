import { ConveyorError } from './conveyor-error.ts';

/** A pagination cursor this server did not issue. */
export class InvalidCursorError extends ConveyorError {
  readonly code = 'INVALID_CURSOR';
  constructor() {
    super('Invalid cursor: pass back a nextCursor exactly as it was returned');
  }
}
