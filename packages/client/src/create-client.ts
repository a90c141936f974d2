import type { AnyConveyorRouter } from '@conveyor/server';
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
  type TRPCLink,
} from '@trpc/client';
import { EventSource } from 'eventsource';
import superjson from 'superjson';
import { safeEnqueueLinks } from './safe-enqueue-links.ts';

export interface ConveyorClientOptions {
  /** The API's tRPC endpoint, e.g. `http://127.0.0.1:3000/trpc`. */
  url: string;
  /** An API token (`Authorization: Bearer …`), on every request and watch stream. */
  token?: string | undefined;
  /** An admin acting for another tenant names it here (`x-conveyor-tenant`). */
  tenant?: string | undefined;
  /** More headers, sent on every request and watch stream. */
  headers?: () => Record<string, string> | Promise<Record<string, string>>;
  /** Calls made in the same tick share one HTTP request, up to this many. */
  maxBatchSize?: number;
  /**
   * How often an enqueue whose outcome is unknown (or that found the queue
   * unavailable, or its key's first request still in flight) is sent again,
   * with the same idempotency key (default 6; 0 = never).
   */
  enqueueRetries?: number;
  fetch?: typeof globalThis.fetch;
}

/**
 * A client typed by an app's router (`ConveyorRouter<AppRegistry>`); by
 * any registry's (job names and payloads unchecked) when not given.
 */
export type ConveyorClient<
  TRouter extends AnyConveyorRouter = AnyConveyorRouter,
> = TRPCClient<TRouter>;

/**
 * A typed client: `client.enqueue.mutate({ name: 'TEST_JOB', data: { message: 'hi' } })`.
 * Queries and mutations are batched over HTTP; subscriptions (`jobs.watch`)
 * are server-sent events that resume from the last event after a reconnect.
 */
export function createConveyorClient<
  TRouter extends AnyConveyorRouter = AnyConveyorRouter,
>(options: ConveyorClientOptions): ConveyorClient<TRouter> {
  // Every Conveyor router shares one transport (superjson, one error
  // shape): the links are the same for any catalog, which only types calls.
  return createTRPCClient<TRouter>({ links: conveyorLinks(options) });
}

function conveyorLinks(
  options: ConveyorClientOptions,
): TRPCLink<AnyConveyorRouter>[] {
  const headers = async (): Promise<Record<string, string>> => ({
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...(options.tenant ? { 'x-conveyor-tenant': options.tenant } : {}),
    ...(await options.headers?.()),
  });
  return [
    ...safeEnqueueLinks({ retries: options.enqueueRetries ?? 6 }),
    splitLink({
      condition: (op) => op.type === 'subscription',
      true: httpSubscriptionLink({
        url: options.url,
        transformer: superjson,
        // Node has no global EventSource before v22 (and it is experimental there).
        EventSource,
        // EventSource has no headers of its own: they go through its fetch.
        eventSourceOptions: async () => {
          const extra = await headers();
          return {
            fetch: (url, init) =>
              (options.fetch ?? fetch)(url, {
                ...init,
                headers: { ...init.headers, ...extra },
              }),
          };
        },
      }),
      false: httpBatchLink({
        url: options.url,
        transformer: superjson,
        maxItems: options.maxBatchSize ?? 50,
        headers,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
    }),
  ];
}
