import { spawnTsProcess, type TsProcess } from '@conveyor/testkit';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FIXTURE = fileURLToPath(
  new URL('./fixtures/log-then-exit.ts', import.meta.url),
);

/** The indexes of the `line` records the child wrote, in the order they arrived. */
function lineIndexes(child: TsProcess): number[] {
  return child.lines
    .filter((line) => line.record?.msg === 'line')
    .map((line) => line.record?.index as number);
}

const all = Array.from({ length: 3_000 }, (_, index) => index);

describe('the service logger loses no line when the process ends', () => {
  it('on process.exit in the turn that logged them', async () => {
    const child = spawnTsProcess(FIXTURE, { args: ['exit'] });
    expect(await child.exited).toBe(3);
    expect(lineIndexes(child)).toEqual(all);
  });

  it('on a fatal uncaught exception', async () => {
    const child = spawnTsProcess(FIXTURE, { args: ['crash'] });
    expect(await child.exited).toBe(1);
    expect(lineIndexes(child)).toEqual(all);
  });

  it('on shutdown by SIGTERM', async () => {
    const child = spawnTsProcess(FIXTURE, { args: ['signal'] });
    await child.waitForLine((line) => line.record?.msg === 'ready');
    expect(await child.stop()).toBe(0);
    expect(lineIndexes(child)).toEqual(all);
  });

  it('when the event loop runs dry', async () => {
    const child = spawnTsProcess(FIXTURE, { args: ['drain'] });
    expect(await child.exited).toBe(0);
    expect(lineIndexes(child)).toEqual(all);
  });
});
