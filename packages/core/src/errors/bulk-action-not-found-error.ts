import { ConveyorError } from './conveyor-error.ts';

/** No bulk action with this id for the caller's tenant (another tenant's is not named). */
export class BulkActionNotFoundError extends ConveyorError {
  readonly code = 'BULK_ACTION_NOT_FOUND';
  constructor(readonly actionId: string) {
    super(`No bulk action with id "${actionId}"`);
  }
}
