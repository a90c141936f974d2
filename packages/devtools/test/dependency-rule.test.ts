import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * What each workspace's sources (src/, tests aside) may import among Conveyor's
 * packages: the package map of docs/architecture.md. A workspace missing here
 * fails the first test, so a new package must say where it sits.
 */
const ALLOWED: Record<string, readonly string[]> = {
  // The framework, bottom up.
  core: [],
  queue: ['core'],
  schedules: ['core', 'queue'],
  webhooks: ['core', 'queue'],
  ops: ['core', 'queue'],
  history: ['core', 'queue'],
  server: ['core', 'queue', 'schedules', 'webhooks', 'history', 'ops'],
  worker: ['core', 'queue', 'schedules', 'webhooks', 'history', 'ops'],
  client: ['core', 'server'],
  // Its Node entry imports nothing; its browser app (app/, not src/) imports core.
  console: [],
  // The framework's own tooling.
  fixtures: ['core'],
  testkit: [],
  devtools: ['client', 'testkit'],
  bench: [
    'core',
    'queue',
    'ops',
    'history',
    'server',
    'client',
    'fixtures',
    'testkit',
  ],
  // The example app: its catalog and its two mains.
  jobs: ['core'],
  api: ['jobs', 'ops', 'server'],
  'example-worker': ['core', 'jobs', 'ops', 'webhooks', 'worker'],
};
/** The example app's packages: nothing else may import them, tests and bench included. */
const EXAMPLE_APP = ['jobs', 'api', 'example-worker'];
/** Published packages (scripts/framework-packages.txt). */
const FRAMEWORK = [
  'core',
  'queue',
  'schedules',
  'webhooks',
  'ops',
  'history',
  'server',
  'worker',
  'client',
  'console',
];

interface Workspace {
  dir: string;
  name: string;
  manifest: Record<string, Record<string, string> | undefined>;
}

const workspaces: Workspace[] = ['packages', 'services'].flatMap((group) =>
  readdirSync(join(ROOT, group)).map((entry) => {
    const dir = `${group}/${entry}`;
    const manifest = JSON.parse(
      readFileSync(join(ROOT, dir, 'package.json'), 'utf8'),
    ) as Workspace['manifest'] & { name: string };
    return { dir, name: manifest.name.replace('@conveyor/', ''), manifest };
  }),
);
const byName = new Map(workspaces.map((w) => [w.name, w]));
const workspace = (name: string): Workspace => {
  const found = byName.get(name);
  if (!found) throw new Error(`no workspace @conveyor/${name}`);
  return found;
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === 'node_modules' || entry === 'dist') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

interface Import {
  file: string;
  /** The Conveyor package it names (`core` for `@conveyor/core/x`), or null. */
  target: string | null;
  typeOnly: boolean;
  /** In src/ and not a test: what the package ships. */
  shipped: boolean;
}

/** Every module a workspace's files import, type-only and dynamic `import()` included. */
function importsOf(name: string): Import[] {
  const root = join(ROOT, workspace(name).dir);
  return sourceFiles(root).flatMap((path) => {
    const text = readFileSync(path, 'utf8');
    const file = relative(ROOT, path);
    const shipped =
      relative(root, path).startsWith('src/') &&
      !/\.(test|test-d|cluster-test)\.ts$/.test(file);
    return ts.preProcessFile(text, true, true).importedFiles.map((f) => ({
      file,
      target: /^@conveyor\/([^/]+)/.exec(f.fileName)?.[1] ?? null,
      typeOnly: new RegExp(
        `(import|export) type [^;]*from '${f.fileName.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}'`,
      ).test(text),
      shipped,
    }));
  });
}

const targetsOf = (imports: Import[], self: string) =>
  [
    ...new Set(
      imports.flatMap((i) => (i.target && i.target !== self ? [i.target] : [])),
    ),
  ].sort();

function declared(
  name: string,
  kinds = ['dependencies', 'peerDependencies', 'devDependencies'],
): string[] {
  const { manifest } = workspace(name);
  return kinds.flatMap((kind) => Object.keys(manifest[kind] ?? {}));
}

/** Cycles among workspaces through `dependencies` (devDependencies may point back for tests). */
function dependencyCycles(): string[][] {
  const cycles: string[][] = [];
  const visit = (name: string, path: readonly string[]): void => {
    if (path.includes(name)) {
      cycles.push([...path.slice(path.indexOf(name)), name]);
      return;
    }
    if (!byName.has(name)) return;
    for (const dep of declared(name, ['dependencies', 'peerDependencies']))
      if (dep.startsWith('@conveyor/'))
        visit(dep.replace('@conveyor/', ''), [...path, name]);
  };
  for (const name of byName.keys()) visit(name, []);
  return cycles;
}

describe('the dependency rule (docs/architecture.md, the package map)', () => {
  it('knows every workspace, and sees imports (guards the checker itself)', () => {
    expect(workspaces.map((w) => w.name).sort()).toEqual(
      Object.keys(ALLOWED).sort(),
    );
    expect(targetsOf(importsOf('server'), 'server')).toContain('queue');
    expect(targetsOf(importsOf('example-worker'), 'example-worker')).toContain(
      'worker',
    );
  });

  it('each workspace’s sources import only what the map allows', () => {
    for (const [name, allowed] of Object.entries(ALLOWED)) {
      const shipped = importsOf(name).filter((i) => i.shipped);
      const beyond = targetsOf(shipped, name).filter(
        (t) => !allowed.includes(t),
      );
      expect({ name, beyond }).toEqual({ name, beyond: [] });
    }
  });

  it('no framework package, test, type test or bench names the example app', () => {
    for (const name of Object.keys(ALLOWED)) {
      if (EXAMPLE_APP.includes(name)) continue;
      const welded = importsOf(name)
        .filter((i) => i.target && EXAMPLE_APP.includes(i.target))
        .map((i) => i.file);
      expect({ name, welded }).toEqual({ name, welded: [] });
      const listed = declared(name).filter((d) =>
        EXAMPLE_APP.includes(d.replace('@conveyor/', '')),
      );
      expect({ name, listed }).toEqual({ name, listed: [] });
    }
  });

  it('every Conveyor package a workspace imports is in its package.json (shipped code: as a dependency or peer)', () => {
    for (const name of Object.keys(ALLOWED)) {
      const imports = importsOf(name);
      const runtime = declared(name, ['dependencies', 'peerDependencies']);
      const any = declared(name);
      const missing = [
        ...targetsOf(
          imports.filter((i) => i.shipped),
          name,
        ).filter((t) => !runtime.includes(`@conveyor/${t}`)),
        ...targetsOf(
          imports.filter((i) => !i.shipped),
          name,
        ).filter((t) => !any.includes(`@conveyor/${t}`)),
      ];
      expect({ name, missing }).toEqual({ name, missing: [] });
    }
  });

  it('workspace runtime dependencies form no cycle', () => {
    expect(dependencyCycles()).toEqual([]);
  });

  it('the framework packages install no private workspace', () => {
    for (const name of FRAMEWORK) {
      const privateDeps = declared(name, [
        'dependencies',
        'peerDependencies',
      ]).filter((d) => {
        const dep = byName.get(d.replace('@conveyor/', ''));
        return d.startsWith('@conveyor/') && dep?.manifest.private;
      });
      expect({ name, privateDeps }).toEqual({ name, privateDeps: [] });
    }
  });

  it('the contract core depends on zod and superjson only', () => {
    expect(
      declared('core', ['dependencies', 'peerDependencies']).sort(),
    ).toEqual(['superjson', 'zod']);
  });

  it('the engine installs only what enqueue and the worker pool need', () => {
    expect(
      declared('queue', ['dependencies', 'peerDependencies']).sort(),
    ).toEqual([
      '@conveyor/core',
      '@opentelemetry/api',
      'bullmq',
      'ioredis',
      'pino',
    ]);
  });

  it('the API and the worker never import each other', () => {
    const apiSide = ['server', 'api'];
    const workerSide = ['worker', 'example-worker'];
    for (const [from, to] of [
      [apiSide, workerSide],
      [workerSide, apiSide],
    ] as const)
      for (const name of from) {
        const crossing = importsOf(name).filter(
          (i) => i.target && to.includes(i.target),
        );
        expect({ name, crossing }).toEqual({ name, crossing: [] });
      }
  });

  it('the client takes only types from the server, and installing it installs no server', () => {
    const fromServer = importsOf('client').filter(
      (i) => i.target === 'server' && i.shipped,
    );
    expect(fromServer.length).toBeGreaterThan(0);
    expect(fromServer.filter((i) => !i.typeOnly)).toEqual([]);
    expect(declared('client', ['dependencies'])).not.toContain(
      '@conveyor/server',
    );
    expect(
      declared('client', ['dependencies', 'peerDependencies']).filter((d) =>
        /^(bullmq|ioredis)$/.test(d),
      ),
    ).toEqual([]);
  });
});
