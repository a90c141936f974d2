import {
  getFreePort,
  startStallProxy,
  waitFor,
  type StallProxy,
  type TsProcess,
} from '@conveyor/testkit';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { faultHarness, type FaultHarness } from './support/fault-harness.ts';

const redisUrl = inject('redisUrl');
/** WORKER_REDIS_DEADLINE_MS: the detection bound is this plus one ping interval. */
const DEADLINE_MS = 1_000;
const LOCK_MS = 2_000;
const env = {
  WORKER_REDIS_DEADLINE_MS: String(DEADLINE_MS),
  WORKER_LOCK_DURATION_MS: String(LOCK_MS),
  WORKER_STALLED_INTERVAL_MS: '500',
};

async function readyz(
  port: number,
): Promise<{ status: number; reasons: string[] }> {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`, {
    signal: AbortSignal.timeout(5_000),
  });
  const body = (await res.json()) as { reasons?: string[] };
  return { status: res.status, reasons: body.reasons ?? [] };
}

function readyzBecomes(port: number, status: number, reason?: RegExp) {
  return waitFor(
    async () => {
      const p = await readyz(port);
      const matches = !reason || p.reasons.some((r) => reason.test(r));
      return p.status === status && matches ? p : undefined;
    },
    60_000,
    `/readyz ${status}`,
  );
}

/**
 * A network partition between a worker and Redis, as a TCP proxy that
 * stops forwarding without closing anything (every connection, new ones
 * too): the worker notices within its Redis deadline and is unready, a
 * job it was running is recovered by another worker, and once the network
 * heals nothing it held back finishes or fails that job a second time.
 */
describe('stalled network between a worker and Redis (real daemons, separate processes)', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function setUp(label: string) {
    const h: FaultHarness = faultHarness(redisUrl, label);
    cleanup.push(() => h.close());
    const dir = mkdtempSync(join(tmpdir(), 'conveyor-partition-'));
    cleanup.push(() => Promise.resolve(rmSync(dir, { recursive: true })));
    const runsFile = join(dir, 'runs.txt');
    const { hostname, port } = new URL(redisUrl);
    const proxy = await startStallProxy({
      target: { host: hostname, port: Number(port) },
    });
    cleanup.push(() => proxy.close());
    const healthPort = await getFreePort();
    const partitioned = h.start({
      ...env,
      REDIS_URL: proxy.url,
      WORKER_HEALTH_PORT: String(healthPort),
      FAULT_RUNS_FILE: runsFile,
    });
    await h.ready(partitioned);
    expect((await readyz(healthPort)).status).toBe(200);
    /** Lines `jobId pid` of every run that finished its side effect. */
    const runs = () =>
      existsSync(runsFile)
        ? readFileSync(runsFile, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => l.split(' '))
        : [];
    return { h, proxy, healthPort, partitioned, runsFile, runs };
  }

  function stallEverything(proxy: StallProxy): number {
    proxy.stall({ newConnections: true });
    return Date.now();
  }

  const pidOf = (d: TsProcess) => d.child.pid ?? 0;
  /** The pid in a stored result (its envelope: `{ v, payload: { json } }`). */
  const ranOn = (job: { returnvalue: unknown } | undefined) =>
    (job?.returnvalue as { payload?: { json?: { pid?: number } } } | undefined)
      ?.payload?.json?.pid;

  it('mid-job: unready within the deadline, the job is recovered elsewhere and completes once; after healing the late finish changes nothing', async () => {
    const { h, proxy, healthPort, partitioned, runsFile, runs } =
      await setUp('partition-job');
    const { id } = await h.producer.enqueue({
      name: 'fault.slow',
      data: { ms: 4_000 },
    });
    await waitFor(
      () => (h.linesOf(id, 'fault job started').length > 0 ? true : undefined),
      30_000,
      'the partitioned worker runs the job',
    );
    const stalledAt = stallEverything(proxy);
    // Started only now, so the job was the partitioned worker's.
    const rescuer = h.start({ ...env, FAULT_RUNS_FILE: runsFile });
    const [detectionMs, rescuerReadyMs] = await Promise.all([
      readyzBecomes(healthPort, 503, /^redis does not answer/).then(
        () => Date.now() - stalledAt,
      ),
      h.ready(rescuer).then(() => Date.now() - stalledAt),
    ]);

    await rescuer.waitForLine(
      (l) => l.record?.jobId === id && l.record.msg === 'fault job started',
      60_000,
    );
    const rerunMs = Date.now() - stalledAt;
    await waitFor(
      async () =>
        (await h.queue.getJobState(id)) === 'completed' ? true : undefined,
      60_000,
      'the job recovered and completed by the other worker',
    );
    const recoveredMs = Date.now() - stalledAt;
    // Its own run finishes during the partition; its finish is held back.
    await waitFor(
      () =>
        partitioned.lines.some(
          (l) =>
            l.record?.jobId === id && l.record.msg === 'fault job finished',
        )
          ? true
          : undefined,
      30_000,
      'the partitioned run ends',
    );
    const healedAt = Date.now();
    proxy.heal();
    await readyzBecomes(healthPort, 200);
    const readyAgainMs = Date.now() - healedAt;

    // The rescuer gone, the next job can only be the healed worker's; it
    // runs after everything the worker held back (one connection, in order).
    rescuer.child.kill('SIGKILL');
    await rescuer.exited;
    const next = await h.producer.enqueue({
      name: 'fault.slow',
      data: { ms: 10 },
    });
    const nextJob = await waitFor(
      async () => {
        const job = await h.queue.getJob(next.id);
        return job?.finishedOn ? job : undefined;
      },
      60_000,
      'the healed worker takes a new job',
    );
    expect(ranOn(nextJob)).toBe(pidOf(partitioned));

    const job = await h.queue.getJob(id);
    expect(await h.queue.getJobState(id)).toBe('completed');
    expect(ranOn(job)).toBe(pidOf(rescuer));
    expect(job?.failedReason ?? '').toBe('');
    expect(await h.attemptErrors(id)).toEqual([]);
    const counts = await h.queue.getJobCounts(
      'completed',
      'failed',
      'active',
      'wait',
    );
    expect(counts).toEqual({ completed: 2, failed: 0, active: 0, wait: 0 });
    const completions = h.daemons.flatMap((d) =>
      d.lines.filter(
        (l) => l.record?.jobId === id && l.record.msg === 'job.completed',
      ),
    );
    const sideEffects = runs().filter(([jobId]) => jobId === id).length;
    expect(sideEffects).toBeGreaterThanOrEqual(1);
    expect(sideEffects).toBeLessThanOrEqual(2);
    console.log(
      'partition-figures',
      JSON.stringify({
        case: 'worker-mid-job',
        deadlineMs: DEADLINE_MS,
        lockMs: LOCK_MS,
        detectionMs,
        // The rescuer starts after the stall: its start-up is in these two.
        rescuerReadyMs,
        rerunMs,
        recoveredMs,
        readyAgainMs,
        sideEffects,
        completedEvents: completions.length,
        lost: 0,
        failedByFault: 0,
      }),
    );
    // The late run's event is the same event (same id: job, run, attempt):
    // stored consumers (webhooks, history) dedupe it; only the log repeats.
    expect(completions.map((l) => l.record?.pid)).toContain(pidOf(rescuer));
    const ids = completions.map((l) =>
      [l.record?.run, l.record?.attempt].join(':'),
    );
    expect(new Set(ids)).toEqual(new Set(['0:1']));
    // BullMQ's lock check refused the late finish, and the retry it then tried.
    const refused = partitioned.lines
      .map((l) => l.record?.err)
      .filter((e): e is string => typeof e === 'string')
      .filter((e) => e.startsWith(`Missing lock for job ${id}.`));
    expect(refused[0]).toMatch(/moveToFinished$/);
  }, 180_000);

  it('mid-fetch: unready within the deadline while jobs wait; after healing every job completes once, none failed', async () => {
    const { h, proxy, healthPort, runs } = await setUp('partition-fetch');
    await waitFor(
      () =>
        proxy.connections().some((c) => /bzpopmin/i.test(c.sent()))
          ? true
          : undefined,
      30_000,
      'a blocking fetch through the proxy',
    );
    const stalledAt = stallEverything(proxy);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(
        (await h.producer.enqueue({ name: 'fault.slow', data: { ms: 10 } })).id,
      );
    await readyzBecomes(healthPort, 503, /^redis does not answer/);
    const detectionMs = Date.now() - stalledAt;
    expect(await h.queue.getJobCounts('completed')).toEqual({ completed: 0 });

    const healedAt = Date.now();
    proxy.heal();
    await waitFor(
      async () =>
        (await h.queue.getJobCounts('completed')).completed === ids.length
          ? true
          : undefined,
      60_000,
      'every job completed after healing',
    );
    const recoveryMs = Date.now() - healedAt;
    await readyzBecomes(healthPort, 200);
    const readyAgainMs = Date.now() - healedAt;
    expect(await h.queue.getJobCounts('failed', 'wait', 'active')).toEqual({
      failed: 0,
      wait: 0,
      active: 0,
    });
    for (const id of ids) expect(await h.attemptErrors(id)).toEqual([]);
    const perJob = ids.map((id) => runs().filter(([j]) => j === id).length);
    expect(perJob).toEqual(ids.map(() => 1));
    console.log(
      'partition-figures',
      JSON.stringify({
        case: 'worker-mid-fetch',
        deadlineMs: DEADLINE_MS,
        detectionMs,
        recoveryMs,
        readyAgainMs,
        jobs: ids.length,
        lost: 0,
        duplicated: 0,
        failedByFault: 0,
      }),
    );
  }, 180_000);
});
