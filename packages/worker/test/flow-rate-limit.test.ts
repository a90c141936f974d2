import { flowRated, FLOW_QUEUES } from '@conveyor/fixtures';
import { waitFor } from '@conveyor/testkit';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { flowHarness, type FlowHarness } from './support/flow-harness.ts';

const redisUrl = inject('redisUrl');
const { max, perMs } = flowRated.flow?.rateLimit ?? { max: 0, perMs: 0 };
const MINUTE_MS = 60_000;
/** Per tenant: more than a minute's worth, so the backlog never runs dry. */
const EACH = 250;

describe('job-wide rate limit across tenants and worker processes', () => {
  let harness: FlowHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('over a minute of steady backlog: ≤ max + bucket starts in any 1 s, ≤ max·60 + max in all, and waiting spends no attempt', async () => {
    const h = (harness = flowHarness(redisUrl, 'flow-rated'));
    expect({ max, perMs }).toEqual({ max: 5, perMs: 1_000 });
    const ids: string[] = [];
    for (const tenant of ['r1', 'r2'])
      ids.push(
        ...(await h.enqueueAll(
          tenant,
          Array.from({ length: EACH }, (_, n) => ({
            name: 'flow.rated' as const,
            data: { n, ms: 2 },
          })),
        )),
      );
    for (let i = 0; i < 2; i++)
      await h.start(FLOW_QUEUES.rated, { WORKER_CONCURRENCY: '10' });
    const first = await waitFor(
      async () => (await h.starts())[0],
      60_000,
      'the first start',
    );
    // The measurement window: a minute from the first start.
    const end = first.at + MINUTE_MS;
    await sleep(Math.max(0, end - Date.now()) + 1_000);
    const starts = (await h.starts()).filter((s) => s.at < end);
    const times = starts.map((s) => s.at).sort((a, b) => a - b);
    let busiest = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while ((times[j] ?? Infinity) < (times[i] ?? 0) + 1_000) j++;
      busiest = Math.max(busiest, j - i);
    }
    const perSecond = (max * 1_000) / perMs;
    console.info(
      `rate limit ${max}/${perMs} ms: ${starts.length} starts in 60 s (bound ${perSecond * 60 + max}), busiest 1 s window ${busiest} (bound ${2 * max}), tenants r1=${starts.filter((s) => s.tenant === 'r1').length} r2=${starts.filter((s) => s.tenant === 'r2').length}`,
    );
    expect(busiest).toBeLessThanOrEqual(2 * max);
    expect(starts.length).toBeLessThanOrEqual(perSecond * 60 + max);
    // Liveness, not speed: the limiter let work through, more than one bucket.
    expect(starts.length).toBeGreaterThan(2 * max);
    // Each job started once, on its first attempt: waiting for a token spent none.
    expect(starts.every((s) => s.attempt === 1)).toBe(true);
    expect(new Set(starts.map((s) => s.id)).size).toBe(starts.length);
    const started = new Set((await h.starts()).map((s) => s.id));
    const waiting = ids.filter((id) => !started.has(id));
    expect(waiting.length).toBeGreaterThan(0);
    const queue = h.queue(FLOW_QUEUES.rated);
    const held = await Promise.all(waiting.map((id) => queue.getJob(id)));
    // The workers keep taking jobs while this reads: one fetched between the
    // two reads has started (its start is recorded moments later), it is
    // not waiting. Read the starts again after a pause and leave those out.
    await sleep(2_000);
    const since = new Set((await h.starts()).map((s) => s.id));
    const spent = held.filter(
      (j) =>
        j &&
        !since.has(j.id ?? '') &&
        (j.attemptsMade > 0 || j.attemptsStarted > 0),
    );
    expect(spent.map((j) => j?.id)).toEqual([]);
    expect(held.every((j) => j !== undefined)).toBe(true);
  }, 240_000);
});
