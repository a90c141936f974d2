import {
  deletePrefix,
  spawnTsProcess,
  uniquePrefix,
  waitFor,
} from '@conveyor/testkit';
import type { TsProcess } from '@conveyor/testkit';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, inject, it } from 'vitest';

const redisUrl = inject('redisUrl');
const DAEMON = fileURLToPath(
  new URL('fixtures/tick-daemon.ts', import.meta.url),
);
const prefix = uniquePrefix('tick-procs');
const daemons: TsProcess[] = [];
afterAll(async () => {
  await Promise.all(
    daemons.map((d) => {
      if (d.child.exitCode === null) d.child.kill('SIGKILL');
      return d.exited;
    }),
  );
  await deletePrefix(redisUrl, prefix);
});

const completions = () =>
  daemons.flatMap((d) =>
    d.lines.flatMap((l) =>
      l.record?.event === 'job.completed' && l.record.name === 'tick.pulse'
        ? [String(l.record.jobId)]
        : [],
    ),
  );

it('three worker processes started together run each tick of a contract schedule once; one killed, the others go on', async () => {
  const start = () => {
    const daemon = spawnTsProcess(DAEMON, {
      env: {
        ...process.env,
        REDIS_URL: redisUrl,
        CONVEYOR_PREFIX: prefix,
        LOG_LEVEL: 'info',
      },
    });
    daemons.push(daemon);
    return daemon.waitForLine(
      (l) => l.record?.msg === 'Conveyor worker ready',
      // Three tsx processes compiling at once on a loaded machine.
      90_000,
    );
  };
  await Promise.all([start(), start(), start()]);
  // Waits on runs, not on the clock: a loaded machine runs ticks late, never twice.
  const runs = (n: number) => () =>
    completions().length >= n ? true : undefined;
  await waitFor(runs(4), 60_000, 'four scheduled runs');
  daemons[0]?.child.kill('SIGKILL');
  await waitFor(runs(7), 60_000, 'seven scheduled runs, after the kill too');

  const ids = completions();
  const ticks = [...new Set(ids)]
    .map((id) => Number(id.split(':').at(-1)))
    .sort((a, b) => a - b);
  console.info(
    `multi-process schedule: ${ids.length} runs, ${ids.length - new Set(ids).size} duplicates, over ${daemons.length} daemons`,
  );
  expect(ids.length).toBeGreaterThanOrEqual(7);
  expect(new Set(ids).size).toBe(ids.length);
  // At least a second apart, across the kill too: never two runs for one
  // interval. (A tick the killed daemon held would run again after its
  // lock lapses: at least once, as a stalled job.)
  ticks
    .slice(1)
    .forEach((t, i) =>
      expect(t - (ticks[i] ?? 0)).toBeGreaterThanOrEqual(1_000),
    );
  // Only one process upserted the schedule; the others found it in place.
  const reconciled = daemons.flatMap((d) =>
    d.lines.filter((l) => l.record?.msg === 'contract schedules reconciled'),
  );
  expect(reconciled).toHaveLength(1);
}, 150_000);
