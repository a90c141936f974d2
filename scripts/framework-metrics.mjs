#!/usr/bin/env node
// The numbers the framework issue (#18) tracks, read off a checkout: product
// files over 300 lines, product functions over 60, each package's exports and
// runtime dependencies, and what installing one package pulls in (MB).
// Usage: node scripts/framework-metrics.mjs [repo root] [--install=@conveyor/queue]
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const args = process.argv.slice(2);
const root = resolve(args.find((a) => !a.startsWith('--')) ?? '.');
const installTargets = args
  .filter((a) => a.startsWith('--install='))
  .map((a) => a.slice('--install='.length));
const ts = createRequire(join(root, 'package.json'))('typescript');

const PRODUCT_EXCLUDED =
  /\.test(-d)?\.ts$|\/bench\/|\/testkit\/|\/devtools\/|\/fixtures?\//;

function productFiles() {
  const out = execFileSync(
    'git',
    ['ls-files', 'packages/*/src/**.ts', 'services/*/src/**.ts'],
    { cwd: root, encoding: 'utf8' },
  );
  return out
    .split('\n')
    .filter((f) => f.endsWith('.ts') && !PRODUCT_EXCLUDED.test(f));
}

/** Lines that are neither blank nor only a comment, as ESLint's skip options count. */
function codeLines(text) {
  let inBlock = false;
  let count = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (inBlock) {
      if (line.includes('*/')) inBlock = false;
      continue;
    }
    if (line === '' || line.startsWith('//')) continue;
    if (line.startsWith('/*')) {
      if (!line.includes('*/')) inBlock = true;
      continue;
    }
    count++;
  }
  return count;
}

function longFunctions(file, text) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const span = text.slice(node.getStart(source), node.end);
      const lines = codeLines(span);
      if (lines > 60) found.push({ file, name: functionName(node), lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function functionName(node) {
  if (node.name) return node.name.getText();
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText();
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText();
  return '(anonymous)';
}

function workspaces() {
  const dirs = [];
  for (const group of ['packages', 'services']) {
    for (const name of readdirSync(join(root, group))) {
      const manifest = join(root, group, name, 'package.json');
      if (existsSync(manifest))
        dirs.push({
          dir: join(group, name),
          pkg: JSON.parse(readFileSync(manifest, 'utf8')),
        });
    }
  }
  return dirs;
}

/** Every name a package's entry points export (deduplicated), read by the type checker. */
function exportCount(dir, pkg) {
  const entries = Object.values(pkg.exports ?? {})
    .map((e) => (typeof e === 'string' ? e : e['@conveyor/source']))
    .filter((e) => e && !e.includes('/test/'))
    .map((e) => join(root, dir, e));
  if (entries.length === 0) return 0;
  const program = ts.createProgram(entries, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    allowImportingTsExtensions: true,
    noEmit: true,
    customConditions: ['@conveyor/source'],
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const names = new Set();
  for (const entry of entries) {
    const source = program.getSourceFile(entry);
    const symbol = source && checker.getSymbolAtLocation(source);
    for (const s of symbol ? checker.getExportsOfModule(symbol) : [])
      names.add(s.name);
  }
  return names.size;
}

function duBytes(path) {
  const out = execFileSync('du', ['-sb', path], { encoding: 'utf8' });
  return Number(out.split('\t')[0]);
}

/** The dependency closure of a package as node_modules holds it (hoisted), in bytes. */
function installSize(name) {
  const seen = new Map();
  const visit = (pkgName, fromDir) => {
    let dir = fromDir;
    for (;;) {
      const candidate = join(dir, 'node_modules', pkgName);
      if (existsSync(join(candidate, 'package.json'))) {
        const real = candidate;
        if (seen.has(real)) return;
        const manifest = JSON.parse(
          readFileSync(join(real, 'package.json'), 'utf8'),
        );
        const isWorkspace = lstatSync(real).isSymbolicLink();
        seen.set(real, isWorkspace ? 0 : duBytes(real));
        for (const dep of Object.keys(manifest.dependencies ?? {}))
          visit(dep, real);
        for (const dep of Object.keys(manifest.peerDependencies ?? {}))
          visit(dep, real);
        return;
      }
      const up = dirname(dir);
      if (up === dir) return;
      dir = up;
    }
  };
  visit(name, root);
  let total = 0;
  for (const bytes of seen.values()) total += bytes;
  return { packages: seen.size, mb: (total / 1024 / 1024).toFixed(1) };
}

const files = productFiles();
const longFiles = [];
const fns = [];
for (const file of files) {
  const text = readFileSync(join(root, file), 'utf8');
  const lines = text.split('\n').length - 1;
  if (lines > 300) longFiles.push(`${file} (${lines})`);
  fns.push(...longFunctions(file, text));
}
console.log(`product files: ${files.length}`);
console.log(`files over 300 lines: ${longFiles.length}`);
for (const f of longFiles) console.log(`  ${f}`);
console.log(`product functions over 60 code lines: ${fns.length}`);
for (const f of fns.sort((a, b) => b.lines - a.lines))
  console.log(`  ${f.file} ${f.name} ${f.lines}`);
console.log('\npackage | exports | runtime deps');
for (const { dir, pkg } of workspaces()) {
  const deps = Object.keys(pkg.dependencies ?? {}).length;
  const peers = Object.keys(pkg.peerDependencies ?? {}).length;
  console.log(
    `${pkg.name} | ${exportCount(dir, pkg)} | ${deps}${peers ? ` (+${peers} peer)` : ''}`,
  );
}
for (const target of installTargets) {
  const size = installSize(target);
  console.log(
    `\ninstalling ${target}: ${size.packages} packages, ${size.mb} MB`,
  );
}
