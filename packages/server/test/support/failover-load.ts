import { isConveyorError } from '@conveyor/client';
import type { FixtureClient } from './fixture-router.ts';

export interface Acknowledgement {
  jobId: string;
  /** When the request that got the 2xx was sent. */
  sentAt: number;
}

export interface FailoverLoad {
  /** Per idempotency key (also the job's message), its 2xx. */
  acknowledged: Map<string, Acknowledgement>;
  /** Keys given up on (no 2xx by their deadline). */
  unanswered: string[];
  /** Keys refused with a 4xx that is not worth a retry, with its reason. */
  refused: string[];
  /** Keys started. */
  started(): number;
  /** Start no new keys; resolves when every caller's last key has its answer or gave up. */
  stop(): Promise<void>;
}

/**
 * `callers` concurrent callers through the real HTTP API, each enqueueing
 * one key after another, and retrying a key (503 or no answer) with the
 * same idempotency key until a 2xx or `keyDeadlineMs`: what a careful
 * producer does through a failover.
 */
export function startFailoverLoad(
  client: FixtureClient,
  callers = 20,
  keyDeadlineMs = 45_000,
): FailoverLoad {
  const acknowledged = new Map<string, Acknowledgement>();
  const unanswered: string[] = [];
  const refused: string[] = [];
  let running = true;
  let started = 0;
  const enqueueKey = async (key: string) => {
    const deadline = Date.now() + keyDeadlineMs;
    while (Date.now() < deadline) {
      const sentAt = Date.now();
      try {
        const job = await client.enqueue.mutate({
          name: 'TEST_JOB',
          data: { message: key },
          options: { idempotencyKey: key },
        });
        acknowledged.set(key, { jobId: job.id, sentAt });
        return;
      } catch (error) {
        if (!mayRetry(error)) {
          refused.push(`${key}: ${String(error)}`);
          return;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    unanswered.push(key);
  };
  const loops = Array.from({ length: callers }, async (_, caller) => {
    for (let n = 0; running; n += 1) {
      started += 1;
      await enqueueKey(`k${caller}-${n}`);
    }
  });
  return {
    acknowledged,
    unanswered,
    refused,
    started: () => started,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

/**
 * No answer, a 5xx (503 OUTCOME_UNKNOWN or Redis unavailable), or 409
 * IDEMPOTENCY_IN_FLIGHT (the key's earlier request, cut off by the fault,
 * still counts as in flight for a moment): sent again with the same key.
 */
function mayRetry(error: unknown): boolean {
  if (!isConveyorError(error)) return true;
  const status = error.data?.httpStatus ?? 0;
  return (
    status === 0 ||
    status >= 500 ||
    error.data?.reason === 'IDEMPOTENCY_IN_FLIGHT'
  );
}

export type JobOutcome = 'completed' | 'failed' | 'lost';

/**
 * Waits until every acknowledged job is finished or gone (`lost`: its key
 * answered 2xx, and Redis no longer has the job), within `timeoutMs`.
 */
export async function settleOutcomes(
  client: FixtureClient,
  acknowledged: Map<string, Acknowledgement>,
  timeoutMs = 45_000,
): Promise<Map<string, JobOutcome>> {
  const outcomes = new Map<string, JobOutcome>();
  const deadline = Date.now() + timeoutMs;
  while (outcomes.size < acknowledged.size) {
    if (Date.now() > deadline)
      throw new Error(
        `${acknowledged.size - outcomes.size} acknowledged jobs neither finished nor gone`,
      );
    const open = [...acknowledged].filter(([key]) => !outcomes.has(key));
    for (let i = 0; i < open.length; i += 50)
      await Promise.all(
        open.slice(i, i + 50).map(async ([key, { jobId }]) => {
          const outcome = await outcomeOf(client, jobId);
          if (outcome) outcomes.set(key, outcome);
        }),
      );
    if (outcomes.size < acknowledged.size)
      await new Promise((r) => setTimeout(r, 500));
  }
  return outcomes;
}

async function outcomeOf(
  client: FixtureClient,
  id: string,
): Promise<JobOutcome | undefined> {
  try {
    const { state } = await client.jobs.get.query({ id });
    return state === 'completed' || state === 'failed' ? state : undefined;
  } catch (error) {
    if (isConveyorError(error) && error.data?.code === 'NOT_FOUND')
      return 'lost';
    return undefined;
  }
}

/** How many jobs exist per message (key), over every page of the job list. */
export async function jobsPerKey(
  client: FixtureClient,
): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  let cursor: string | undefined;
  do {
    const page = await client.jobs.list.query({
      limit: 100,
      ...(cursor ? { cursor } : {}),
    });
    for (const job of page.items)
      if (job.name === 'TEST_JOB' && job.data)
        seen.set(job.data.message, (seen.get(job.data.message) ?? 0) + 1);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return seen;
}
