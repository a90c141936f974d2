import type { AnyRegistry } from '@conveyor/core';
import type { Logger } from '@conveyor/queue';
import type { Principal } from './auth/principal.ts';
import type { QueueService } from './queue-service.ts';
import type { RequestObserver } from './request-observer.ts';

export interface ApiDeps<TRegistry extends AnyRegistry = AnyRegistry> {
  queues: QueueService<TRegistry>;
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

/**
 * The context's queues, typed by the registry a router was built for. One
 * tRPC instance serves every registry, so its context knows only
 * `AnyRegistry`; the router is always built from `queues.registry`
 * (`routerFor`), which is what makes this narrowing true.
 */
export function queuesOf<TRegistry extends AnyRegistry>(ctx: {
  queues: QueueService;
}): QueueService<TRegistry> {
  return ctx.queues as unknown as QueueService<TRegistry>;
}

/**
 * The reverse, for code that serves any registry (the dashboard, the
 * context): a `QueueService<R>` is one, but TS cannot see it while `R` is
 * still generic (it can once `R` is an app's registry).
 */
export function anyQueues<TRegistry extends AnyRegistry>(
  queues: QueueService<TRegistry>,
): QueueService {
  return queues as unknown as QueueService;
}
