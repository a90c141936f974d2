// The typed client, typed by this service's registry: job names, payloads,
// results and progress all come from jobs.ts.
import { createConveyorClient } from '@conveyor/client';
import type { ConveyorRouter } from '@conveyor/server';
import type { Registry } from './jobs.ts';

export function connectClient(url: string, token: string) {
  return createConveyorClient<ConveyorRouter<Registry>>({ url, token });
}

export type Client = ReturnType<typeof connectClient>;

/** Follows one job's events until it completes (resolves) or fails (rejects). */
export function watchToEnd(client: Client, id: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let result: unknown;
    let done = false;
    const subscription = client.jobs.watch.subscribe(
      { id },
      {
        onData: ({ data: event }) => {
          if (event.type === 'progress') return;
          if (event.type !== 'completed') {
            done = true;
            reject(new Error(`job ${id} ${event.type}: ${event.reason}`));
            return subscription.unsubscribe();
          }
          done = true;
          result = event.result;
        },
        // The server ends the stream after the terminal event.
        onComplete: () => {
          if (done) resolve(result);
          else reject(new Error(`the event stream for job ${id} ended early`));
        },
        onError: (error) => {
          reject(error);
          subscription.unsubscribe();
        },
      },
    );
  });
}

/** Never called: a job this registry does not have, or a wrong payload, does not compile. */
export function _typedByTheRegistry(client: Client): void {
  // @ts-expect-error -- not a job of this registry
  void client.enqueue.mutate({ name: 'no.such-job', data: {} });
}

/**
 * Never called: history search is typed by the same registry. "Which
 * invoices did customer c-42 render with more than 10 pages?"
 */
export function _searchTypedByTheRegistry(client: Client) {
  // prettier-ignore
  // @ts-expect-error -- invoice.render's input has no recipient
  void client.history.search.query({ name: 'invoice.render', where: { 'data.recipient': { eq: 'a@example.com' } } });
  return client.history.search.query({
    name: 'invoice.render',
    where: { 'data.customerId': { eq: 'c-42' }, 'result.pages': { gt: 10 } },
    state: 'completed',
  });
}
