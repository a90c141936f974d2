import { spawnTsProcess } from '@conveyor/testkit';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const MAIN = fileURLToPath(
  new URL('./fixtures/isolated-log-main.ts', import.meta.url),
);

it("an isolated thread's log lines are written before it is terminated, even while the thread pool is busy", async () => {
  // One thread-pool thread, held by a hash while the isolated thread logs: a
  // line left to the pool (pino's default destination) dies with the thread.
  const child = spawnTsProcess(MAIN, {
    env: { ...process.env, UV_THREADPOOL_SIZE: '1' },
  });
  expect(await child.exited).toBe(0);
  const messages = child.lines
    .filter((l) => l.record?.isolated === true && l.record.jobId === 'j1')
    .map((l) => l.record?.msg);
  expect(messages).toEqual(['isolated line one', 'isolated line two']);
}, 120_000);
