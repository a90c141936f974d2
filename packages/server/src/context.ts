import type { AnyRegistry } from '@conveyor/core';
import type { Logger } from '@conveyor/queue';
import type { Principal } from './auth/principal.ts';
import type { HttpExchange } from './http/http-exchange.ts';
import type { ConveyorServices } from './domain/create-services.ts';
import type { EnqueuedVia } from './domain/scope.ts';
import type { JobReadService } from './domain/job-read-service.ts';
import type { QueueService } from './queue-service.ts';
import type { RequestObserver } from './request-observer.ts';

export interface ApiDeps<TRegistry extends AnyRegistry = AnyRegistry> {
  services: ConveyorServices<TRegistry>;
  logger: Logger;
  /** Told of every procedure call (request log, metrics). */
  observers?: readonly RequestObserver[];
  /** Through what callers reach this API (history's `enqueuedVia`): `api` when omitted. */
  via?: EnqueuedVia;
}

/**
 * The request-independent part: what callers and tests build directly.
 * Each service is its own handle (`ctx.jobs`, `ctx.control`,
 * `ctx.schedules`, …), so a procedure reaches only the one it calls.
 * `principal` is null for a caller without valid credentials (a 401 on any
 * procedure that needs one); `requestedTenant` is the tenant an admin names
 * to act for. `http` is the HTTP exchange behind the call (none in process).
 */
export function createContextInner(
  deps: ApiDeps,
  principal: Principal | null,
  requestedTenant: string | null = null,
  http: HttpExchange | null = null,
) {
  const { services } = deps;
  // One literal, no spreads: built per request, and tRPC copies it once more.
  return {
    enqueue: services.enqueue,
    jobs: services.jobs,
    control: services.control,
    schedules: services.schedules,
    tenants: services.tenants,
    tokens: services.tokens,
    webhooks: services.webhooks,
    history: services.history,
    compat: services.compat,
    readiness: services.readiness,
    bulk: services.bulk,
    encryption: services.encryption,
    logger: deps.logger,
    observers: deps.observers,
    via: deps.via ?? 'api',
    principal,
    requestedTenant,
    http,
  };
}

export type Context = ReturnType<typeof createContextInner>;

/*
 * The context's services, typed by the registry a router was built for. One
 * tRPC instance serves every registry, so its context knows only
 * `AnyRegistry`; the router is always built from `services.registry`
 * (`routerFor`), which is what makes these narrowings true.
 */

/** `ctx.enqueue`, typed by the router's registry. */
export function enqueueOf<TRegistry extends AnyRegistry>(ctx: {
  enqueue: QueueService;
}): QueueService<TRegistry> {
  return ctx.enqueue as unknown as QueueService<TRegistry>;
}

/** `ctx.jobs`, typed by the router's registry. */
export function jobsOf<TRegistry extends AnyRegistry>(ctx: {
  jobs: JobReadService;
}): JobReadService<TRegistry> {
  return ctx.jobs as unknown as JobReadService<TRegistry>;
}

/**
 * The reverse, for code that serves any registry (the dashboard, the
 * context): `ConveyorServices<R>` are, but TS cannot see it while `R` is
 * still generic (it can once `R` is an app's registry).
 */
export function anyServices<TRegistry extends AnyRegistry>(
  services: ConveyorServices<TRegistry>,
): ConveyorServices {
  return services as unknown as ConveyorServices;
}
