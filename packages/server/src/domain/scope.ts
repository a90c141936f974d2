import { ForbiddenError } from '@conveyor/core';
import type { Principal } from '../auth/principal.ts';

/** Who acts, and for which tenant (the principal's own, or one an admin named). */
export interface Caller {
  principal: Principal;
  tenant: string;
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
