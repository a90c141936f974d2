import { ForbiddenError } from '@conveyor/core';
import type { Principal } from '../auth/principal.ts';

/**
 * Through what a caller reached the API, as history records an enqueue:
 * tRPC over HTTP, an in-process client, the dashboard's add-job form, a
 * schedule's run-now, a bulk action.
 */
export type EnqueuedVia =
  'api' | 'in-process' | 'dashboard' | 'schedule' | 'bulk';

/** Who acts, and for which tenant (the principal's own, or one an admin named). */
export interface Caller {
  principal: Principal;
  tenant: string;
  /** `api` when omitted. */
  via?: EnqueuedVia;
}

/** A token scoped to some jobs may enqueue, steer or schedule only those. */
export function allowedToEnqueue(
  principal: Principal,
  names: readonly string[],
): void {
  const scope = principal.jobs;
  const denied = scope ? names.filter((name) => !scope.includes(name)) : [];
  if (denied.length > 0)
    throw new ForbiddenError(
      `This token may not enqueue or steer ${[...new Set(denied)].join(', ')}`,
    );
}
