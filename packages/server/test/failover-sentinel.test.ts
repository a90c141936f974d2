import {
  startRedisSentinelGroup,
  type RedisSentinelGroup,
} from '@conveyor/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { startFailoverRig, type FailoverRig } from './support/failover-rig.ts';
import { runFailover } from './support/failover-scenario.ts';

/**
 * A primary with two replicas and three Sentinels; the API and a worker in
 * their own processes; 20 callers enqueueing through HTTP with idempotency
 * keys, retrying what is unanswered; the primary killed with kill -9
 * mid-stream. The Sentinels promote a replica, the API and the worker follow
 * it, and every acknowledged job is accounted for (docs/guarantees.md).
 */
describe('Sentinel failover: kill -9 of the primary under load', () => {
  let group: RedisSentinelGroup | undefined;
  let rig: FailoverRig | undefined;
  afterEach(async () => {
    await rig?.close();
    await group?.stop();
    rig = undefined;
    group = undefined;
  });

  const failover = async (replicatedAcks: boolean) => {
    const g = (group = await startRedisSentinelGroup());
    rig = await startFailoverRig(
      g.address,
      replicatedAcks ? { REDIS_ACK_REPLICAS: '1' } : {},
    );
    return runFailover(rig, {
      topology: 'sentinel',
      replicatedAcks,
      kill: () => g.primary.kill(),
      promoted: async () => (await g.currentPrimaryPort()) !== g.primary.port,
    });
  };

  it('with replicated acknowledgements (REDIS_ACK_REPLICAS=1): no acknowledged job is lost, none has two jobs', async () => {
    const figures = await failover(true);
    expect(figures.lost).toBe(0);
    expect(figures.duplicateJobs).toBe(0);
  }, 120_000);

  it('without them: the figures are reported and add up (a loss is possible)', async () => {
    const figures = await failover(false);
    expect(figures.acknowledged).toBeGreaterThanOrEqual(400);
    expect(figures.duplicateJobs).toBe(0);
  }, 120_000);
});
