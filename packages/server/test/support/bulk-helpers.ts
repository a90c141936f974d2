import { isConveyorError } from '@conveyor/client';
import { waitFor } from '@conveyor/testkit';
import type { FixtureClient } from './fixture-router.ts';

/** The API error a call ended with: its tRPC code and Conveyor reason. */
export async function failure(call: Promise<unknown>) {
  const error = await call.catch((e: unknown) => e);
  if (!isConveyorError(error)) throw new Error('expected an API error');
  return { code: error.data?.code, reason: error.data?.reason };
}

/** The TEST_JOB filter that matches one message exactly. */
export const byMessage = (message: string) => ({
  name: 'TEST_JOB' as const,
  where: { 'data.message': { eq: message } },
});

/**
 * Enqueues `n` TEST_JOBs with this message (one attempt each) and waits
 * until history holds `total` (default `n`) in `state`; returns their ids.
 */
export async function jobsIn(
  client: FixtureClient,
  message: string,
  n: number,
  state: 'failed' | 'completed',
  total = n,
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const job = await client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message },
      options: { attempts: 1 },
    });
    ids.push(job.id);
  }
  await waitFor(
    async () => {
      const page = await client.history.search.query({
        ...byMessage(message),
        state,
        limit: 200,
      });
      return page.items.length === total ? true : undefined;
    },
    30_000,
    `${total} ${state} jobs "${message}" in history`,
  );
  return ids;
}

/** The operation once it is no longer running. */
export function finished(client: FixtureClient, id: string) {
  return waitFor(
    async () => {
      const op = await client.bulk.get.query({ id });
      return op.state === 'running' ? undefined : op;
    },
    30_000,
    `bulk action ${id} finished`,
  );
}
