import { ForbiddenError } from '@conveyor/core';
import type { Caller } from '../domain/scope.ts';
import { allowedToEnqueue } from '../domain/scope.ts';
import type { BulkAction } from './bulk-action.ts';

/**
 * Acting needs what the single action needs: producer or admin to retry,
 * redrive or cancel; admin to delete history (it erases the record others
 * read). A token scoped to some jobs must name one it may enqueue.
 */
export function checkBulkAccess(
  action: BulkAction,
  name: string | undefined,
  caller: Caller,
): void {
  const { principal } = caller;
  if (action === 'delete' && principal.role !== 'admin')
    throw new ForbiddenError('Deleting history needs the admin role');
  if (principal.role === 'viewer')
    throw new ForbiddenError(
      `A bulk ${action} needs the producer or admin role`,
    );
  if (principal.jobs && name === undefined)
    throw new ForbiddenError(
      'This token may act only on the jobs it may enqueue: name one',
    );
  if (name !== undefined) allowedToEnqueue(principal, [name]);
}
