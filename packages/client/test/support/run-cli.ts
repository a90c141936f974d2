import { spawnTsProcess } from '@conveyor/testkit';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

/**
 * The real `conveyor` binary in a child process against `url`, without the
 * caller's CONVEYOR_TOKEN unless `env` gives one: its exit code, and stdout
 * and stderr line by line as they came.
 */
export async function runCli(
  args: string[],
  url: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | string; output: string }> {
  const { CONVEYOR_TOKEN: _ignored, ...base } = process.env;
  const cli = spawnTsProcess(CLI, {
    args,
    env: { ...base, CONVEYOR_URL: url, ...env },
  });
  const code = await cli.exited;
  return { code, output: cli.lines.map((l) => l.text).join('\n') };
}
