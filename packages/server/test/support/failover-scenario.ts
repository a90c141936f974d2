import { waitFor } from '@conveyor/testkit';
import { expect } from 'vitest';
import { failoverFigures, type FailoverFigures } from './failover-figures.ts';
import {
  jobsPerKey,
  settleOutcomes,
  startFailoverLoad,
} from './failover-load.ts';
import type { FailoverRig } from './failover-rig.ts';

export interface FailoverFault {
  topology: string;
  replicatedAcks: boolean;
  /** kill -9 the primary (the master of the test queue's slot). */
  kill(): Promise<void>;
  /** True once Redis has promoted a replica in its place. */
  promoted(): Promise<boolean>;
}

/**
 * Load through the rig's API, the fault mid-stream, more load after the
 * promotion, then every acknowledged job settled and counted. Asserts what
 * holds with or without replicated acknowledgements: the accounting adds up,
 * nothing failed by the fault, every completed job ran its side effect, the
 * worker followed the failover and /readyz reported the episode.
 */
export async function runFailover(
  rig: FailoverRig,
  fault: FailoverFault,
): Promise<FailoverFigures> {
  const load = startFailoverLoad(rig.client);
  await waitFor(
    () => (load.acknowledged.size >= 200 ? true : undefined),
    30_000,
    '200 acknowledged enqueues before the kill',
  );
  const killedAt = Date.now();
  await fault.kill();
  await waitFor(
    async () => ((await fault.promoted()) ? true : undefined),
    30_000,
    'a replica to be promoted',
  );
  const acknowledgedAfter = (at: number) =>
    [...load.acknowledged.values()].filter((a) => a.sentAt > at).length;
  await waitFor(
    () => (acknowledgedAfter(killedAt) >= 200 ? true : undefined),
    45_000,
    '200 acknowledged enqueues after the kill',
  );
  await load.stop();
  const outcomes = await settleOutcomes(rig.client, load.acknowledged);
  const runs = rig.runs();
  const figures = failoverFigures({
    started: load.started(),
    acknowledged: load.acknowledged,
    unanswered: load.unanswered.length,
    outcomes,
    jobsPerKey: await jobsPerKey(rig.client),
    runs,
    killedAt,
  });
  const { topology, replicatedAcks } = fault;
  console.log(
    'failover-figures',
    JSON.stringify({ topology, replicatedAcks, ...figures }),
  );
  expect(load.refused).toEqual([]);
  expect(figures.completed + figures.lost + figures.failed).toBe(
    figures.acknowledged,
  );
  expect(figures.failed).toBe(0);
  for (const [key, outcome] of outcomes)
    if (outcome === 'completed') expect(runs.has(key)).toBe(true);
  // The worker followed the failover: every job acknowledged once it was
  // over completed (no blocking fetch stuck on the dead primary).
  const recovered = killedAt + (figures.recoverMs ?? 0);
  for (const [key, ack] of load.acknowledged)
    if (ack.sentAt > recovered) expect(outcomes.get(key)).toBe('completed');
  expect(acknowledgedAfter(recovered)).toBeGreaterThan(0);
  const down = rig.readiness.find((s) => s.at > killedAt && s.status !== 200);
  expect(down, '/readyz not ready during the failover').toBeDefined();
  expect(
    rig.readiness.some((s) => s.at > (down?.at ?? 0) && s.status === 200),
  ).toBe(true);
  return figures;
}
