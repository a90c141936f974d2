import type { AppRegistry } from '@conveyor/jobs';
import type { Logger } from '@conveyor/queue';
import type { Principal } from './auth/principal.ts';
import type { QueueService } from './queue-service.ts';
import type { RequestObserver } from './request-observer.ts';

export interface ApiDeps {
  queues: QueueService<AppRegistry>;
  logger: Logger;
  /** Told of every procedure call (request log, metrics). */
  observers?: readonly RequestObserver[];
}

/**
 * The request-independent part: what callers and tests build directly.
 * `principal` is null for a caller without valid credentials (a 401 on any
 * procedure that needs one); `requestedTenant` is the tenant an admin names
 * to act for.
 */
export function createContextInner(
  deps: ApiDeps,
  principal: Principal | null,
  requestedTenant: string | null = null,
) {
  return { ...deps, principal, requestedTenant };
}

export type Context = ReturnType<typeof createContextInner>;
