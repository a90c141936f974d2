import {
  ConveyorError,
  InvalidPayloadError,
  toPayloadIssues,
  type PayloadIssue,
} from '@conveyor/core';
import { initTRPC, TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { ZodError } from 'zod';
import {
  AuthFailuresLimitedError,
  QuotaExceededError,
  TenantIdSchema,
} from '@conveyor/core';
import type { Role } from './auth/principal.ts';
import type { Context } from './context.ts';
import { publicMessage } from './public-message.ts';
import { toTRPCError } from './to-trpc-error.ts';
import { createGuardedTransformer } from './wire/guarded-superjson.ts';

/** What every error carries for the client, beyond tRPC's code and HTTP status. */
export interface ConveyorErrorData {
  /** Each invalid field, with its path inside the request (e.g. `["data", "to"]`). */
  issues: PayloadIssue[] | null;
  /** Conveyor's own error code (`INVALID_PAYLOAD`, `QUEUE_UNAVAILABLE`, …) when there is one. */
  reason: string | null;
  /** TOO_MANY_REQUESTS (a tenant's quota or rate, failed authentications): when to try again, in ms. */
  retryAfterMs?: number;
}

const t = initTRPC.context<Context>().create({
  // Inputs are decoded only after checks superjson does not make (allowed
  // types, depth, shared references); outputs are plain superjson.
  transformer: createGuardedTransformer(),
  // Stacks never reach a client, whatever NODE_ENV says.
  isDev: false,
  // Pings keep proxies from closing idle watch streams; a client that hears
  // nothing for 5 s reconnects (resuming from its last event id).
  sse: {
    ping: { enabled: true, intervalMs: 2_000 },
    client: { reconnectAfterInactivityMs: 5_000 },
  },
  errorFormatter({ shape, error }) {
    const data: ConveyorErrorData = {
      issues: issuesOf(error),
      reason: reasonOf(error),
      ...(error.cause instanceof QuotaExceededError ||
      error.cause instanceof AuthFailuresLimitedError
        ? { retryAfterMs: error.cause.retryAfterMs }
        : {}),
    };
    return {
      ...shape,
      // Only Conveyor's own text reaches a client: never an exception's
      // message, which may name Redis internals, a library or a stack limit.
      message: publicMessage(error, shape.data.httpStatus),
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        ...data,
      },
    };
  },
});

function issuesOf(error: TRPCError): PayloadIssue[] | null {
  if (error.cause instanceof ZodError) return toPayloadIssues(error.cause);
  if (error.cause instanceof InvalidPayloadError) return error.cause.issues;
  return null;
}

function reasonOf(error: TRPCError): string | null {
  if (error.cause instanceof ConveyorError) return error.cause.code;
  if (error.cause instanceof ZodError) return 'INVALID_INPUT';
  return null;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === 'object' && value !== null && Symbol.asyncIterator in value
  );
}

async function* mapStreamErrors<T>(
  stream: AsyncIterable<T>,
): AsyncGenerator<T, void> {
  try {
    yield* stream;
  } catch (error) {
    throw toTRPCError(error);
  }
}

/** What `settle` reads of a call: tRPC's middleware options, as far as it reads them. */
interface ObservedCallOptions {
  ctx: Context;
  path: string;
  type: 'query' | 'mutation' | 'subscription';
}

type MiddlewareResult =
  { ok: true; data: unknown } | { ok: false; error: TRPCError };

/**
 * Everything every procedure passes before its input, in this order:
 * timing and the observers (outermost, so a refusal by auth, 401 or 403,
 * is observed too, with the status the client gets); the mapping of
 * Conveyor's errors onto tRPC codes (what a query or mutation throws, and
 * what a subscription's stream throws later); then, for `guarded`, the
 * principal (401), the tenant it acts in (its own, or for an admin only
 * the one it names; procedures never take it from their input) and its
 * role (403). One middleware rather than four: tRPC copies the options and
 * the context at each level of the chain, on every call.
 */
const observed = t.middleware((opts) => settle(opts, () => opts.next()));

function guarded(roles: readonly Role[]) {
  return t.middleware((opts) =>
    settle(opts, () => opts.next(authorize(opts.ctx, roles))),
  );
}

/** Runs the rest of the call, maps its error, tells the observers. */
async function settle<TResult extends MiddlewareResult>(
  call: ObservedCallOptions,
  rest: () => Promise<TResult>,
): Promise<TResult> {
  const started = performance.now();
  let result: TResult;
  try {
    result = await rest();
  } catch (cause) {
    const error = toTRPCError(cause);
    observe(call, started, error);
    throw error;
  }
  const error = result.ok ? null : toTRPCError(result.error);
  observe(call, started, error);
  if (error) throw error;
  return result.ok && isAsyncIterable(result.data)
    ? { ...result, data: mapStreamErrors(result.data) }
    : result;
}

/** The principal, the tenant and the role check; the context `next` gets. */
function authorize(ctx: Context, roles: readonly Role[]) {
  const { principal, requestedTenant } = ctx;
  if (!principal)
    throw new TRPCError({
      code: 'UNAUTHORIZED',
      message: 'Missing or invalid credentials',
    });
  const tenant = requestedTenant ?? principal.tenantId;
  if (tenant !== principal.tenantId && principal.role !== 'admin')
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: 'Only an admin may act for another tenant',
    });
  if (!TenantIdSchema.safeParse(tenant).success)
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'Invalid tenant id' });
  if (!roles.includes(principal.role))
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: `This needs the ${roles.join(' or ')} role`,
    });
  return { ctx: { principal, tenant } };
}

/** Tells the observers how a call ended. */
function observe(
  call: ObservedCallOptions,
  started: number,
  error: TRPCError | null,
): void {
  const observers = call.ctx.observers;
  if (!observers?.length) return;
  const observed = {
    procedure: call.path,
    type: call.type,
    status: error ? getHTTPStatusCodeFromError(error) : 200,
    code: error?.code ?? null,
    durationMs: performance.now() - started,
    tenant: observedTenant(call.ctx),
  };
  for (const observer of observers) observer(observed);
}

/**
 * The tenant a call acted for, as the auth middleware decides it: never the
 * raw header of a caller it refused (logs and metric labels would take
 * whatever an anonymous client sends).
 */
function observedTenant(ctx: Context): string | null {
  const { principal, requestedTenant } = ctx;
  if (!principal) return null;
  if (
    requestedTenant !== null &&
    principal.role === 'admin' &&
    TenantIdSchema.safeParse(requestedTenant).success
  )
    return requestedTenant;
  return principal.tenantId;
}

export const router = t.router;
/** Every Conveyor router's config (transformer, error formatter): one tRPC instance serves all registries. */
export const trpcConfig = t._config;
export const createCallerFactory = t.createCallerFactory;
/** Observed and error-mapped, with no credentials required. */
export const publicProcedure = t.procedure.use(observed);

function allow(roles: readonly Role[]) {
  return t.procedure.use(guarded(roles));
}

/**
 * Runs the rest of the call once Redis is up, as `ReadinessService.up` does
 * for the services' own methods: for procedures that reach Redis through a store
 * (tokens, tenant limits, webhooks), a Redis that is down or drops
 * meanwhile is a 503 QUEUE_UNAVAILABLE (QUEUE_FULL out of memory), not a 500.
 */
const queuesUp = t.middleware(({ ctx, next }) =>
  ctx.readiness.up(async () => {
    const result = await next();
    // next() never throws: a failure the resolver threw goes back to up(),
    // which knows a Redis outage; a refusal tRPC made (a 400) stays as is.
    if (!result.ok && result.error.code === 'INTERNAL_SERVER_ERROR')
      throw result.error.cause ?? result.error;
    return result;
  }),
);

/** Reads: any role. */
export const viewerProcedure = allow(['viewer', 'producer', 'admin']);
/** Enqueue and steer jobs. */
export const producerProcedure = allow(['producer', 'admin']);
/** Tokens, tenant limits: every one reads or writes a Redis store. */
export const adminProcedure = allow(['admin']).use(queuesUp);
/** Reads of a Redis store (webhooks), once Redis is up. */
export const storeViewerProcedure = viewerProcedure.use(queuesUp);
/** Changes to a Redis store (webhooks), once Redis is up. */
export const storeProducerProcedure = producerProcedure.use(queuesUp);
