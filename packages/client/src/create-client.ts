import type { AppRouter } from '@conveyor/api';
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
} from '@trpc/client';
import { EventSource } from 'eventsource';
import superjson from 'superjson';

export interface ConveyorClientOptions {
  /** The API's tRPC endpoint, e.g. `http://127.0.0.1:3000/trpc`. */
  url: string;
  /** Sent on every request; the place API tokens will go. */
  headers?: () => Record<string, string> | Promise<Record<string, string>>;
  /** Calls made in the same tick share one HTTP request, up to this many. */
  maxBatchSize?: number;
  fetch?: typeof globalThis.fetch;
}

export type ConveyorClient = TRPCClient<AppRouter>;

/**
 * A typed client: `client.enqueue.mutate({ name: 'TEST_JOB', data: { message: 'hi' } })`.
 * Queries and mutations are batched over HTTP; subscriptions (`jobs.watch`)
 * are server-sent events that resume from the last event after a reconnect.
 */
export function createConveyorClient(
  options: ConveyorClientOptions,
): ConveyorClient {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: options.url,
          transformer: superjson,
          // Node has no global EventSource before v22 (and it is experimental there).
          EventSource,
        }),
        false: httpBatchLink({
          url: options.url,
          transformer: superjson,
          maxItems: options.maxBatchSize ?? 50,
          ...(options.headers ? { headers: options.headers } : {}),
          ...(options.fetch ? { fetch: options.fetch } : {}),
        }),
      }),
    ],
  });
}
