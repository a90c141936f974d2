/* global process, console, URL */
// The publish fields of each framework package (scripts/framework-packages.txt):
//   node scripts/adoption/check-manifests.js source <dir>...      the workspace's package.json
//   node scripts/adoption/check-manifests.js packed <tarball>...  what `yarn pack` wrote
//   node scripts/adoption/check-manifests.js fix <dir>...          sets the fields it can (a new package):
//     drops `private`, sets `files` and `publishConfig`, moves the shared libraries from
//     dependencies to peerDependencies (the catalog's range) and devDependencies (`catalog:`).
// Prints every problem found and exits 1 if there is any.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Libraries the app and Conveyor must share one copy of: peers, never dependencies. */
const SHARED = ['zod', '@trpc/server', '@trpc/client', 'bullmq', 'ioredis'];
/** Workspaces that are never published: nothing published may depend on them. */
const PRIVATE = /^@conveyor\/(jobs|bench|testkit|devtools|fixtures|api)$/;
const DEP_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'];

const [mode, ...targets] = process.argv.slice(2);
const problems = [];
const fail = (who, message) => problems.push(`${who}: ${message}`);

function catalog() {
  const text = readFileSync(
    new URL('../../.yarnrc.yml', import.meta.url),
    'utf8',
  );
  const block = text.split(/^catalog:\s*$/m)[1] ?? '';
  const ranges = {};
  for (const line of block.split('\n').slice(1)) {
    const m = /^\s+'?([^':]+)'?:\s*(\S+)\s*$/.exec(line);
    if (!m) break;
    ranges[m[1]] = m[2];
  }
  return ranges;
}

function checkCommon(who, pkg) {
  if (pkg.private) fail(who, 'is `private`: a framework package is published');
  if (!/^0\.\d+\.\d+(-[\w.]+)?$/.test(pkg.version ?? ''))
    fail(who, `version ${pkg.version} is not a 0.x semver`);
  for (const entry of ['dist', 'README.md'])
    if (!pkg.files?.includes(entry)) fail(who, `\`files\` lacks ${entry}`);
  if (!pkg.exports || typeof pkg.exports !== 'object')
    fail(who, 'has no `exports` map');
  for (const [sub, target] of Object.entries(pkg.exports ?? {})) {
    const keys = typeof target === 'object' ? Object.keys(target) : [];
    // A workspace-only entry (tests' support code, from source): no app resolves it.
    if (keys.length === 1 && keys[0] === '@conveyor/source') continue;
    const types = keys.indexOf('types');
    const dflt = keys.indexOf('default');
    if (types < 0 || dflt < 0)
      fail(
        who,
        `exports["${sub}"] needs both \`types\` and \`default\` (dist), got ${JSON.stringify(target)}`,
      );
    else if (types > dflt)
      fail(who, `exports["${sub}"]: \`types\` must come before \`default\``);
    const source = keys.indexOf('@conveyor/source');
    if (source > 0)
      fail(who, `exports["${sub}"]: \`@conveyor/source\` must come first`);
  }
  for (const name of SHARED) {
    if (pkg.dependencies?.[name])
      fail(
        who,
        `${name} is a dependency: make it a peerDependency (and a devDependency)`,
      );
  }
  for (const field of DEP_FIELDS)
    for (const name of Object.keys(pkg[field] ?? {}))
      if (PRIVATE.test(name))
        fail(who, `${field} names ${name}, which is never published`);
}

if (mode === 'source') {
  const ranges = catalog();
  for (const dir of targets) {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const who = `${pkg.name} (${dir})`;
    checkCommon(who, pkg);
    if (!existsSync(join(dir, 'README.md'))) fail(who, 'has no README.md');
    for (const [name, range] of Object.entries(pkg.peerDependencies ?? {})) {
      if (!pkg.devDependencies?.[name])
        fail(
          who,
          `peer ${name} is not also a devDependency (the workspace needs its copy)`,
        );
      if (range.includes(':'))
        fail(
          who,
          `peer ${name}: \`${range}\` (Yarn packs a protocol peer range as "*"); write the range`,
        );
      else if (ranges[name] && ranges[name] !== range)
        fail(
          who,
          `peer ${name}@${range} differs from the catalog's ${ranges[name]}`,
        );
    }
  }
} else if (mode === 'packed') {
  for (const tarball of targets) {
    const list = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ''));
    const files = new Set(list);
    const pkg = JSON.parse(
      execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], {
        encoding: 'utf8',
      }),
    );
    const who = `${pkg.name} (packed)`;
    checkCommon(who, pkg);
    for (const field of DEP_FIELDS)
      for (const [name, range] of Object.entries(pkg[field] ?? {}))
        if (
          /^(workspace|catalog|link|portal|file):/.test(range) ||
          range === '*'
        )
          fail(who, `${field}.${name} is \`${range}\` in the tarball`);
    if (!files.has('README.md')) fail(who, 'the tarball has no README.md');
    if ([...files].some((f) => f.endsWith('.tsbuildinfo')))
      fail(who, 'the tarball carries a .tsbuildinfo');
    const targetsOf = (t) =>
      typeof t === 'string'
        ? [t]
        : Object.entries(t)
            .filter(([c]) => c !== '@conveyor/source')
            .flatMap(([, v]) => targetsOf(v));
    for (const [sub, target] of Object.entries(pkg.exports ?? {}))
      for (const file of targetsOf(target))
        if (!files.has(file.replace(/^\.\//, '')))
          fail(
            who,
            `exports["${sub}"] → ${file} is not in the tarball (built before packing?)`,
          );
    for (const [bin, file] of Object.entries(
      typeof pkg.bin === 'string' ? { [pkg.name]: pkg.bin } : (pkg.bin ?? {}),
    ))
      if (!files.has(file.replace(/^\.\//, '')))
        fail(who, `bin ${bin} → ${file} is not in the tarball`);
  }
} else if (mode === 'fix') {
  const ranges = catalog();
  for (const dir of targets) {
    const file = join(dir, 'package.json');
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    delete pkg.private;
    pkg.files = ['dist', '!dist/*.tsbuildinfo', 'README.md'];
    for (const name of SHARED) {
      const range = pkg.dependencies?.[name];
      if (!range) continue;
      delete pkg.dependencies[name];
      pkg.devDependencies = { ...pkg.devDependencies, [name]: range };
      pkg.peerDependencies = {
        ...pkg.peerDependencies,
        [name]: range === 'catalog:' ? ranges[name] : range,
      };
    }
    const sorted = (o) =>
      o &&
      Object.fromEntries(
        Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)),
      );
    pkg.devDependencies = sorted(pkg.devDependencies);
    pkg.peerDependencies = sorted(pkg.peerDependencies);
    pkg.publishConfig = { access: 'public', ...pkg.publishConfig };
    writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
    console.log(
      `${file}: publish fields set; check its exports and README.md by hand, then run yarn install`,
    );
  }
} else {
  console.error(
    'usage: check-manifests.js source <dir>... | packed <tarball>... | fix <dir>...',
  );
  process.exit(2);
}

if (problems.length > 0) {
  console.error(
    `Publish manifest problems (${problems.length}):\n  ${problems.join('\n  ')}`,
  );
  process.exit(1);
}
if (mode !== 'fix')
  console.log(`${mode}: ${targets.length} manifest(s) fit for publishing`);
