// A scratch copy of this repository for tests that edit the tree: the files
// git would commit (tracked and new, as they are now), and a node_modules
// whose entries link to the real one, except the workspaces' own links, which
// point into the copy (so `@conveyor/jobs` there is the copy's catalog).
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(
  command: string,
  args: string[],
  cwd: string,
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, CI: '1' } },
      (error, stdout, stderr) => {
        const code =
          error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** `yarn <args>` in `cwd`, through the release the repository commits. */
export function yarn(root: string, args: string[], cwd = root) {
  const yarnPath = /^yarnPath:\s*(\S+)/m.exec(
    readFileSync(join(root, '.yarnrc.yml'), 'utf8'),
  )?.[1];
  if (!yarnPath) throw new Error('No yarnPath in .yarnrc.yml');
  return run(process.execPath, [join(root, yarnPath), ...args], cwd);
}

export async function scratchRepo(root: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-scratch-'));
  const listed = await run(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    root,
  );
  if (listed.code !== 0) throw new Error(listed.stderr);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    if (!existsSync(join(root, file))) continue; // deleted, not yet committed
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(root, file), join(dir, file));
  }
  const state = join(root, '.yarn/install-state.gz');
  if (existsSync(state)) cpSync(state, join(dir, '.yarn/install-state.gz'));
  linkNodeModules(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

function linkNodeModules(from: string, to: string) {
  mkdirSync(to);
  for (const entry of readdirSync(from)) {
    if (entry !== '@conveyor') {
      symlinkSync(join(from, entry), join(to, entry));
      continue;
    }
    // Relative links (../../packages/jobs): the same text resolves inside the copy.
    mkdirSync(join(to, entry));
    for (const workspace of readdirSync(join(from, entry)))
      symlinkSync(
        readlinkSync(join(from, entry, workspace)),
        join(to, entry, workspace),
      );
  }
}
