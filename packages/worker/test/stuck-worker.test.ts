import {
  getFreePort,
  metricSample,
  startStallProxy,
  waitFor,
  type StallProxy,
} from '@conveyor/testkit';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { faultHarness, type FaultHarness } from './support/fault-harness.ts';

const redisUrl = inject('redisUrl');
const STUCK_MS = 2_000;
const GAUGE = 'conveyor_worker_seconds_since_progress';

interface Probe {
  status: number;
  body: { status?: string; reasons?: string[] };
}

async function probe(port: number): Promise<Probe> {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`, {
    signal: AbortSignal.timeout(5_000),
  });
  return { status: res.status, body: (await res.json()) as Probe['body'] };
}

async function secondsSinceProgress(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, {
    signal: AbortSignal.timeout(5_000),
  });
  return metricSample(await res.text(), GAUGE, {});
}

/** Waits until /readyz answers `status` and its reasons match `reason` (when given). */
function readyzBecomes(port: number, status: number, reason?: RegExp) {
  return waitFor(
    async () => {
      const p = await probe(port);
      const matches =
        reason === undefined ||
        (p.body.reasons ?? []).some((r) => reason.test(r));
      return p.status === status && matches ? p : undefined;
    },
    60_000,
    `/readyz ${status}`,
  );
}

/** Polls /readyz for `ms`: every answer must be 200. */
async function staysReady(port: number, ms: number): Promise<number> {
  const until = Date.now() + ms;
  let probes = 0;
  while (Date.now() < until) {
    const p = await probe(port);
    expect(p, 'readyz stays 200').toMatchObject({ status: 200 });
    probes++;
    await sleep(200);
  }
  return probes;
}

describe('progress watchdog: a worker whose blocking connection silently stalls (bullmq#4585)', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function worker(label: string, through?: StallProxy) {
    const h: FaultHarness = faultHarness(redisUrl, label);
    cleanup.push(() => h.close());
    const port = await getFreePort();
    const daemon = h.start({
      ...(through ? { REDIS_URL: through.url } : {}),
      WORKER_HEALTH_PORT: String(port),
      WORKER_STUCK_AFTER_MS: String(STUCK_MS),
    });
    await h.ready(daemon);
    expect((await probe(port)).status).toBe(200);
    return { h, port, daemon };
  }

  async function proxied(label: string) {
    const { hostname, port } = new URL(redisUrl);
    const proxy = await startStallProxy({
      target: { host: hostname, port: Number(port) },
    });
    cleanup.push(() => proxy.close());
    const w = await worker(label, proxy);
    // The blocking connections are the ones that sent BZPOPMIN.
    await waitFor(
      () =>
        proxy.connections().some((c) => /bzpopmin/i.test(c.sent()))
          ? true
          : undefined,
      30_000,
      'a blocking fetch through the proxy',
    );
    return { ...w, proxy };
  }

  /** Stalls the blocking sockets, and every socket opened after (a reconnect stalls too). */
  function stallBlocking(proxy: StallProxy): number {
    proxy.stall({
      where: (c) => /bzpopmin/i.test(c.sent()),
      newConnections: true,
    });
    return Date.now();
  }

  async function enqueue(h: FaultHarness, count: number): Promise<void> {
    for (let i = 0; i < count; i++)
      await h.producer.enqueue({ name: 'fault.slow', data: { ms: 10 } });
  }

  async function allCompleted(h: FaultHarness, count: number) {
    await waitFor(
      async () => {
        const counts = await h.queue.getJobCounts('completed');
        return counts.completed === count ? true : undefined;
      },
      60_000,
      `${count} jobs completed`,
    );
  }

  it('goes unready with the stuck reason, the gauge rises, and after the reconnect its jobs complete and it is ready again', async () => {
    const { h, port, daemon, proxy } = await proxied('stuck-recover');
    // The blocking sockets stall, and so does every new one (BullMQ's own
    // reconnect after its fetch deadline waits on it for good) until the
    // watchdog has reported the worker stuck; then new sockets heal, so the
    // watchdog's own reconnect is the one that gets through.
    const stalledAt = stallBlocking(proxy);
    const enqueuedAt = Date.now();
    await enqueue(h, 3);
    const down = await readyzBecomes(port, 503, /^worker stuck: no job taken/);
    const detectionMs = Date.now() - enqueuedAt;
    proxy.healNew();
    console.log(
      `stuck worker detected ${detectionMs} ms after jobs were enqueued to it, ${Date.now() - stalledAt} ms after its blocking connection stalled (WORKER_STUCK_AFTER_MS=${STUCK_MS})`,
    );
    expect(down.body.reasons?.join()).toMatch(/3 wait/);
    expect(detectionMs).toBeLessThan(STUCK_MS * 15);

    await allCompleted(h, 3);
    await readyzBecomes(port, 200);
    const reconnected = await daemon.waitForLine(
      (l) =>
        l.record?.msg === 'worker stuck: reconnecting its blocking connections',
    );
    expect(reconnected.record?.waiting).toBe(3);
    expect(await secondsSinceProgress(port)).toBeLessThan(STUCK_MS / 1_000);
    const resumed = daemon.lines.some(
      (l) => l.record?.msg === 'worker makes progress again: ready',
    );
    expect(resumed).toBe(true);
  }, 180_000);

  it('gives up (stays unready) when the reconnect does not help either, and is ready once the network heals', async () => {
    const { h, port, proxy } = await proxied('stuck-give-up');
    stallBlocking(proxy);
    await enqueue(h, 2);
    await readyzBecomes(port, 503, /even after reconnecting/);
    // Still unready a while later (the orchestrator restarts it), the gauge rising.
    const first = await secondsSinceProgress(port);
    expect(first).toBeGreaterThanOrEqual((STUCK_MS * 2) / 1_000);
    await sleep(STUCK_MS);
    expect((await probe(port)).status).toBe(503);
    expect(await secondsSinceProgress(port)).toBeGreaterThan(first);

    proxy.heal();
    await allCompleted(h, 2);
    await readyzBecomes(port, 200);
  }, 180_000);

  it('an idle worker with an empty queue stays ready well past the threshold', async () => {
    const { port } = await worker('stuck-idle');
    expect(await staysReady(port, STUCK_MS * 3)).toBeGreaterThan(5);
    expect(await secondsSinceProgress(port)).toBeLessThan(
      (STUCK_MS * 3) / 1_000,
    );
  }, 120_000);

  it('a paused queue with jobs waiting does not make it unready', async () => {
    const { h, port } = await worker('stuck-paused');
    await h.queue.pause();
    await enqueue(h, 2);
    expect(await staysReady(port, STUCK_MS * 3)).toBeGreaterThan(5);
    expect((await h.queue.getJobCounts('completed')).completed).toBe(0);
    await h.queue.resume();
    await allCompleted(h, 2);
  }, 120_000);
});
