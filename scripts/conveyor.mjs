#!/usr/bin/env node
// `yarn conveyor …`: the compiled CLI (packages/client/dist/cli.js) under plain
// node, so a call costs node's start-up, not tsx's (seconds on a busy machine).
// It is built here first only when missing or older than anything it is built
// from: every project `tsc -b` would build for it, found through the
// tsconfig references, so an edit anywhere in that chain rebuilds it once.
import { spawnSync } from 'node:child_process';
import {
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const project = join(root, 'packages/client/tsconfig.build.json');
const bin = join(root, 'packages/client/dist/cli.js');
const buildInfo = join(root, 'packages/client/dist/tsconfig.build.tsbuildinfo');

const mtimeOf = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
};

/** The tsconfig files of a project and of every project it references, transitively. */
function projectFiles(config, seen = new Set()) {
  if (seen.has(config)) return seen;
  seen.add(config);
  let json;
  try {
    json = JSON.parse(readFileSync(config, 'utf8'));
  } catch {
    return seen; // unreadable here: its mtime still counts, and tsc will say what is wrong
  }
  const dir = dirname(config);
  if (typeof json.extends === 'string' && json.extends.startsWith('.'))
    seen.add(resolve(dir, json.extends));
  for (const { path } of json.references ?? []) {
    const target = resolve(dir, path);
    projectFiles(
      target.endsWith('.json') ? target : join(target, 'tsconfig.json'),
      seen,
    );
  }
  return seen;
}

/** Is any input newer than the built bin? Directories count too: a deleted file changes its folder. */
function isStale(builtAt) {
  for (const config of projectFiles(project)) {
    if ((mtimeOf(config) ?? Infinity) > builtAt) return true;
    const pkg = dirname(config);
    if ((mtimeOf(join(pkg, 'package.json')) ?? 0) > builtAt) return true;
    const src = join(pkg, 'src');
    if ((mtimeOf(src) ?? 0) > builtAt) return true;
    let entries;
    try {
      entries = readdirSync(src, { recursive: true });
    } catch {
      continue;
    }
    for (const entry of entries)
      if ((mtimeOf(join(src, entry)) ?? 0) > builtAt) return true;
  }
  return false;
}

function build(missing) {
  // tsc -b trusts its build info over the outputs: a deleted cli.js alone would stay deleted.
  if (missing) rmSync(buildInfo, { force: true });
  process.stderr.write(
    'Building the CLI (tsc -b packages/client/tsconfig.build.json)…\n',
  );
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  // tsc reports on stdout; stderr keeps stdout clean for `--json` readers.
  const { status } = spawnSync(process.execPath, [tsc, '-b', project], {
    cwd: root,
    stdio: ['ignore', 2, 2],
  });
  if (status !== 0) {
    process.stderr.write('The CLI did not build; see the errors above.\n');
    process.exit(1);
  }
  // tsc -b may leave an up-to-date output untouched: mark it built now, so
  // the same inputs are not checked against an old time on every call.
  const now = new Date();
  utimesSync(bin, now, now);
}

const builtAt = mtimeOf(bin);
if (builtAt === undefined || isStale(builtAt)) build(builtAt === undefined);
await import(pathToFileURL(bin).href);
