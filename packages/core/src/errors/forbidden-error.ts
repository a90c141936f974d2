import { ConveyorError } from './conveyor-error.ts';

/** The caller is known but its role or job scope does not allow this. Nothing changed. */
export class ForbiddenError extends ConveyorError {
  readonly code = 'FORBIDDEN';
}
