import { FLOW_QUEUES } from '@conveyor/fixtures';
import { waitFor } from '@conveyor/testkit';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { flowHarness, type FlowHarness } from './support/flow-harness.ts';

const redisUrl = inject('redisUrl');
const WEIGHTS = { A: 3, B: 2, C: 1 };
const EACH = 3_000;
/** Starts before the window: what the first dispatches put in BullMQ's buffer. */
const SKIP = 100;
const WINDOW = 1_200;
const TOLERANCE = 0.1;

describe('fair share by weight (worker daemons in separate processes)', () => {
  let harness: FlowHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('tenants weighted 3:2:1 with sustained backlogs get 50/33/17 % of the starts (±10 % relative)', async () => {
    const h = (harness = flowHarness(redisUrl, 'flow-weights'));
    await h.setWeights(FLOW_QUEUES.fair, WEIGHTS);
    // All three backlogs exist before a worker starts; a slowish processor
    // (20 ms) keeps them sustained through the window.
    for (const tenant of Object.keys(WEIGHTS))
      await h.enqueueAll(
        tenant,
        Array.from({ length: EACH }, (_, n) => ({
          name: 'flow.fair' as const,
          data: { n, ms: 20 },
        })),
      );
    for (let i = 0; i < 2; i++)
      await h.start(FLOW_QUEUES.fair, { WORKER_CONCURRENCY: '10' });
    await waitFor(
      async () => {
        const by = await h.startedBy();
        const total = Object.values(by).reduce((a, n) => a + n, 0);
        return total >= SKIP + WINDOW ? true : undefined;
      },
      180_000,
      `${SKIP + WINDOW} starts`,
    );
    const window = (await h.starts()).slice(SKIP, SKIP + WINDOW);
    const share = (tenant: string) =>
      window.filter((s) => s.tenant === tenant).length / window.length;
    const total = Object.values(WEIGHTS).reduce((a, w) => a + w, 0);
    const measured = Object.fromEntries(
      Object.keys(WEIGHTS).map((t) => [t, share(t)]),
    );
    console.info(
      `weighted fair share over starts ${SKIP + 1}–${SKIP + WINDOW}: ${Object.entries(
        measured,
      )
        .map(([t, s]) => `${t}=${(s * 100).toFixed(1)} %`)
        .join(' ')} (expected 50.0 / 33.3 / 16.7 %)`,
    );
    for (const [tenant, weight] of Object.entries(WEIGHTS)) {
      const expected = weight / total;
      expect(measured[tenant]).toBeGreaterThanOrEqual(
        expected * (1 - TOLERANCE),
      );
      expect(measured[tenant]).toBeLessThanOrEqual(expected * (1 + TOLERANCE));
    }
    // Every tenant still had backlog through the window.
    const by = await h.startedBy();
    for (const tenant of Object.keys(WEIGHTS))
      expect(by[tenant]).toBeLessThan(EACH);
  }, 300_000);
});
