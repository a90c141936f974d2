import { waitFor } from '@conveyor/testkit';
import { QueryClient, InfiniteQueryObserver } from '@tanstack/react-query';
import {
  createTRPCClient,
  httpBatchLink,
  httpBatchStreamLink,
  httpLink,
  TRPCClientError,
  type TRPCLink,
} from '@trpc/client';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FixtureRouter } from './support/fixture-router.ts';
import { startHarness, type Harness } from './support/harness.ts';
import { scriptedProcessors } from './support/scripted-processors.ts';

const redisUrl = inject('redisUrl');
const adminToken = 'standard-clients-admin-token-0123456789';

/** A plain tRPC client over one of tRPC's own links: no Conveyor code on the client side. */
function clientOver(
  link: typeof httpLink | typeof httpBatchLink | typeof httpBatchStreamLink,
  url: string,
  token: string,
) {
  const links: TRPCLink<FixtureRouter>[] = [
    link({
      url,
      transformer: superjson,
      // Lower case, as some clients send it: the scheme is case-insensitive.
      headers: { authorization: `bearer ${token}` },
    }),
  ];
  return createTRPCClient<FixtureRouter>({ links });
}

describe('standard tRPC clients', () => {
  let harness: Harness;
  let url: string;
  beforeAll(async () => {
    harness = await startHarness(redisUrl, {
      adminToken,
      processors: scriptedProcessors(),
    });
    url = `${harness.apiUrl}/trpc`;
  });
  afterAll(() => harness.close());

  it.each([
    ['httpLink', httpLink],
    ['httpBatchLink', httpBatchLink],
    ['httpBatchStreamLink', httpBatchStreamLink],
  ] as const)('%s enqueues and reads a job', async (_, link) => {
    const client = clientOver(link, url, adminToken);
    const [{ id }, stats] = await Promise.all([
      client.enqueue.mutate({
        name: 'email.digest',
        data: {
          userId: 'u-link',
          period: 'daily',
          startDate: new Date('2026-11-21T00:00:00Z'),
          endDate: new Date('2026-11-22T00:00:00Z'),
        },
      }),
      client.queues.stats.query(),
    ]);
    expect(stats).toBeTypeOf('object');
    const job = await client.jobs.get.query({ id });
    expect(job.name === 'email.digest' && job.data?.startDate).toEqual(
      new Date('2026-11-21T00:00:00Z'),
    );
  });

  it('takes an enqueueMany of 1,000 jobs sharing two Dates', async () => {
    const client = clientOver(httpLink, url, adminToken);
    const startDate = new Date('2026-11-21T00:00:00Z');
    const endDate = new Date('2026-11-22T00:00:00Z');
    const runAt = new Date(Date.now() + 60 * 60 * 1_000);
    // Three shared references a job (3,000 paths): once refused as "too many".
    const [first, ...rest] = Array.from({ length: 1_000 }, (_, i) => ({
      name: 'email.digest' as const,
      data: { userId: `u-${i}`, period: 'daily' as const, startDate, endDate },
      options: { runAt },
    }));
    const { jobs } = await client.enqueueMany.mutate({
      jobs: [first!, ...rest],
    });
    expect(jobs).toHaveLength(1_000);
    const last = await client.jobs.get.query({ id: jobs[999]!.id });
    expect(last.name === 'email.digest' && last.data).toEqual({
      userId: 'u-999',
      period: 'daily',
      startDate,
      endDate,
    });
  });
});

describe("TanStack Query's infinite queries (tRPC options proxy)", () => {
  let harness: Harness;
  let trpc: ReturnType<typeof createTRPCOptionsProxy<FixtureRouter>>;
  let queryClient: QueryClient;
  beforeAll(async () => {
    harness = await startHarness(redisUrl, {
      adminToken,
      processors: scriptedProcessors(),
    });
    queryClient = new QueryClient({
      defaultOptions: { queries: { retry: false } },
    });
    trpc = createTRPCOptionsProxy<FixtureRouter>({
      client: clientOver(httpBatchLink, `${harness.apiUrl}/trpc`, adminToken),
      queryClient,
    });
  });
  afterAll(async () => {
    queryClient.clear();
    await harness.close();
  });

  /** Every page, fetched as useInfiniteQuery would: the first, then fetchNextPage until nextCursor is null. */
  async function allPages<TPage extends { nextCursor: string | null }>(
    options: Parameters<QueryClient['fetchInfiniteQuery']>[0],
  ): Promise<TPage[]> {
    await queryClient.fetchInfiniteQuery(options);
    const observer = new InfiniteQueryObserver(queryClient, options as never);
    let result = observer.getCurrentResult();
    while (result.hasNextPage) result = await observer.fetchNextPage();
    if (result.error) throw result.error;
    return (result.data as { pages: TPage[] }).pages;
  }

  it('pages jobs.list forward, each page sent with direction', async () => {
    const client = clientOver(httpLink, `${harness.apiUrl}/trpc`, adminToken);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(
        (
          await client.enqueue.mutate({
            name: 'TEST_JOB',
            data: { message: `later-${i}` },
            options: { delay: 60 * 60 * 1_000 },
          })
        ).id,
      );
    const pages = await allPages<{
      items: { id: string }[];
      nextCursor: string | null;
    }>(
      trpc.jobs.list.infiniteQueryOptions(
        { state: 'delayed', limit: 2 },
        { getNextPageParam: (page) => page.nextCursor },
      ) as never,
    );
    expect(pages.length).toBeGreaterThanOrEqual(3);
    const listed = pages.flatMap((p) => p.items.map((j) => j.id));
    expect(listed.toSorted()).toEqual(ids.toSorted());
  });

  it('pages deadLetters.list forward', async () => {
    const client = clientOver(httpLink, `${harness.apiUrl}/trpc`, adminToken);
    for (let i = 0; i < 3; i++)
      await client.enqueue.mutate({
        name: 'TEST_JOB',
        data: { message: 'always-fail' },
        options: { attempts: 1 },
      });
    await waitFor(
      async () =>
        (await client.deadLetters.list.query({ limit: 10 })).items.length ===
          3 || undefined,
      30_000,
      'three dead letters',
    );
    const pages = await allPages<{
      items: unknown[];
      nextCursor: string | null;
    }>(
      trpc.deadLetters.list.infiniteQueryOptions(
        { limit: 2 },
        { getNextPageParam: (page) => page.nextCursor },
      ) as never,
    );
    expect(pages.flatMap((p) => p.items)).toHaveLength(3);
  });

  it('refuses paging backward, in its own words, on every list', async () => {
    const client = clientOver(httpLink, `${harness.apiUrl}/trpc`, adminToken);
    const input = { limit: 2, direction: 'backward' as const };
    for (const list of [
      () => client.jobs.list.query(input),
      () => client.deadLetters.list.query(input),
      () => client.history.list.query(input),
    ]) {
      const error = await list().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TRPCClientError);
      expect((error as TRPCClientError<FixtureRouter>).data).toMatchObject({
        httpStatus: 400,
        reason: 'INVALID_INPUT',
        issues: [
          {
            path: ['direction'],
            message: expect.stringMatching(/^Lists page forward only/),
          },
        ],
      });
    }
  });

  it('reaches history.list past its input check (501 with history off)', async () => {
    const options = trpc.history.list.infiniteQueryOptions(
      { limit: 2 },
      { getNextPageParam: (page) => page.nextCursor },
    );
    const error = await queryClient.fetchInfiniteQuery(options).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<FixtureRouter>).data).toMatchObject({
      httpStatus: 501,
      reason: 'HISTORY_DISABLED',
    });
  });
});
