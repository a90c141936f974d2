import { FLOW_QUEUES } from '@conveyor/fixtures';
import { waitFor } from '@conveyor/testkit';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { flowHarness, type FlowHarness } from './support/flow-harness.ts';

const redisUrl = inject('redisUrl');
const DAEMONS = 3;
/** Short locks so a killed worker's slots and jobs come back within seconds. */
const env = {
  WORKER_CONCURRENCY: '10',
  WORKER_LOCK_DURATION_MS: '5000',
  WORKER_STALLED_INTERVAL_MS: '1000',
};
const TENANTS = ['t1', 't2'];
const USERS = ['u0', 'u1', 'u2', 'u3'];
/** Per tenant and user: runs of the 1-slot job and of the 3-slot job. */
const KEYED = 60;
const KEYED3 = 60;
/** At most 1,000: the contract keeps the last 1,000 completed jobs, and they are counted. */
const TOTAL = TENANTS.length * USERS.length * (KEYED + KEYED3);
const KILLS = 4;

describe('per-key concurrency across worker processes, with kill -9', () => {
  let harness: FlowHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('limits 1 and 3 per (tenant, user) are never exceeded, every job completes, and no slot is left behind', async () => {
    const h = (harness = flowHarness(redisUrl, 'flow-keyed'));
    for (let i = 0; i < DAEMONS; i++) await h.start(FLOW_QUEUES.keyed, env);
    const random = seeded(20);
    for (const tenant of TENANTS) {
      const jobs = USERS.flatMap((user) =>
        Array.from({ length: KEYED + KEYED3 }, (_, n) => ({
          name: n < KEYED ? ('flow.keyed' as const) : ('flow.keyed3' as const),
          data: { user, n, ms: 100 + Math.floor(random() * 150) },
        })),
      );
      await h.enqueueAll(tenant, jobs);
    }

    // kill -9 a random ready worker now and then while work remains, and
    // start a replacement, as a supervisor would. The pauses only spread
    // the kills over the run; nothing below depends on their length.
    let kills = 0;
    const replacements: Promise<unknown>[] = [];
    while (kills < KILLS && (await h.doneCount()) < TOTAL) {
      await sleep(500 + random() * 1_500);
      const ready = h.daemons.filter(
        (d) =>
          d.child.exitCode === null &&
          d.child.signalCode === null &&
          d.lines.some((l) => l.record?.msg === 'flow daemon ready'),
      );
      const victim = ready[Math.floor(random() * ready.length)];
      if (!victim) continue;
      await h.kill(victim);
      kills += 1;
      replacements.push(h.start(FLOW_QUEUES.keyed, env));
    }
    await Promise.all(replacements);

    const queue = h.queue(FLOW_QUEUES.keyed);
    await waitFor(
      async () =>
        (await queue.getCompletedCount()) === TOTAL ? true : undefined,
      240_000,
      `all ${TOTAL} jobs completed`,
    );
    const slotsLeft = await waitFor(
      async () =>
        (await h.slotKeys(FLOW_QUEUES.keyed)).length === 0 ? [] : undefined,
      60_000,
      'no {Q}:cv:fc:slots:* key left',
    ).catch(async () => h.slotKeys(FLOW_QUEUES.keyed));
    const starts = await h.starts();
    const violations = await h.violations();
    console.info(
      `per-key concurrency: jobs=${TOTAL} kills=${kills} starts=${starts.length} (reruns ${starts.length - TOTAL}) violations=${violations.length} slot keys left=${slotsLeft.length}`,
    );
    expect(violations).toEqual([]);
    expect(await h.doneCount()).toBe(TOTAL);
    expect(await queue.getFailedCount()).toBe(0);
    expect(slotsLeft).toEqual([]);
    expect(kills).toBe(KILLS);
  }, 420_000);
});

/** A small deterministic PRNG (mulberry32): the same run every time. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
