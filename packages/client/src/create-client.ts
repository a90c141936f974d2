import type { AppRouter } from '@conveyor/api';
import { createTRPCClient, httpBatchLink, type TRPCClient } from '@trpc/client';
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

/** A typed client: `client.enqueue.mutate({ name: 'TEST_JOB', data: { message: 'hi' } })`. */
export function createConveyorClient(
  options: ConveyorClientOptions,
): ConveyorClient {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: options.url,
        transformer: superjson,
        maxItems: options.maxBatchSize ?? 50,
        ...(options.headers ? { headers: options.headers } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
    ],
  });
}
