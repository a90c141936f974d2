import { waitFor } from '@conveyor/testkit';
import type { FlowStart } from '../fixtures/flow-probe.ts';
import type { FlowHarness } from './flow-harness.ts';

export const BIG = 20_000;
export const SMALL = 100;
export const DAEMONS = 2;
export const CONCURRENCY = 10;
/** A's starts before B and C arrive: they land on a backlog being worked. */
const HEAD_START = 1_000;

/** What one noisy-neighbour run saw, from the processors' own records. */
export interface NoisyNeighbourRun {
  /** Each small-tenant job: its start − its batch's enqueue, ms. */
  waitsMs: number[];
  /** A's starts recorded before B's and C's first / last start. */
  bigBeforeFirstSmall: number;
  bigBeforeLastSmall: number;
  /** A's starts when B and C enqueued (recorded by then). */
  bigAtArrival: number;
}

/**
 * Tenant A enqueues 20,000 fast jobs (1–5 ms of work), workers start on
 * them, and once A has 1,000 starts B and C enqueue 100 each; resolves when
 * all of B's and C's jobs have started (deadline `deadlineMs`).
 */
export async function noisyNeighbour(
  h: FlowHarness,
  job: 'flow.fair' | 'flow.plain',
  queue: string,
  deadlineMs: number,
): Promise<NoisyNeighbourRun> {
  const work = (i: number) => ({ name: job, data: { n: i, ms: 1 + (i % 5) } });
  await h.enqueueAll(
    'A',
    Array.from({ length: BIG }, (_, i) => work(i)),
  );
  for (let i = 0; i < DAEMONS; i++)
    await h.start(queue, { WORKER_CONCURRENCY: String(CONCURRENCY) });
  const bigAtArrival = await waitFor(
    async () => {
      const a = (await h.startedBy()).A ?? 0;
      return a >= HEAD_START ? a : undefined;
    },
    120_000,
    `tenant A's first ${HEAD_START} starts`,
  );
  const enqueuedAt: Record<string, number> = {};
  await Promise.all(
    ['B', 'C'].map(async (tenant) => {
      enqueuedAt[tenant] = Date.now();
      await h.enqueueAll(
        tenant,
        Array.from({ length: SMALL }, (_, i) => work(i)),
      );
    }),
  );
  await waitFor(
    async () => {
      const by = await h.startedBy();
      return (by.B ?? 0) >= SMALL && (by.C ?? 0) >= SMALL ? true : undefined;
    },
    deadlineMs,
    `all of B's and C's ${2 * SMALL} jobs to start`,
  );
  const starts = await h.starts();
  const small = (s: FlowStart) => s.tenant === 'B' || s.tenant === 'C';
  const bigBefore = (index: number) =>
    starts.slice(0, index).filter((s) => s.tenant === 'A').length;
  const smallIndexes = starts.flatMap((s, i) => (small(s) ? [i] : []));
  return {
    waitsMs: starts
      .filter(small)
      .map((s) => s.at - (enqueuedAt[s.tenant] ?? Number.NaN)),
    bigBeforeFirstSmall: bigBefore(smallIndexes[0] ?? 0),
    bigBeforeLastSmall: bigBefore(smallIndexes.at(-1) ?? 0),
    bigAtArrival,
  };
}

/** Nearest-rank percentile (`p` in 0–100). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.max(0, Math.min(rank, sorted.length - 1))] ?? Number.NaN;
}

export function describeRun(label: string, run: NoisyNeighbourRun): string {
  const w = run.waitsMs;
  return `noisy neighbour (${label}): B+C start wait p50=${percentile(w, 50)} ms p99=${percentile(w, 99)} ms max=${Math.max(...w)} ms; A's starts when B/C arrived=${run.bigAtArrival}, before B/C's first start=${run.bigBeforeFirstSmall}, before B/C's last start=${run.bigBeforeLastSmall} of ${BIG}`;
}
