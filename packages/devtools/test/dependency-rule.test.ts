import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === 'node_modules' || entry === 'dist') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file imports, type-only imports and dynamic `import()` included. */
function importsOf(file: string): { specifier: string; typeOnly: boolean }[] {
  const text = readFileSync(file, 'utf8');
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map(({ fileName }) => ({
    specifier: fileName,
    typeOnly: new RegExp(
      `(import|export) type [^;]*from '${fileName.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}'`,
    ).test(text),
  }));
}

/** Which workspace a specifier reaches: by package name or by a relative path out of the package. */
function workspaceOf(file: string, specifier: string): string | null {
  const named = /^@conveyor\/([^/]+)/.exec(specifier);
  if (named) return named[1] ?? null;
  if (!specifier.startsWith('.')) return null;
  const target = relative(ROOT, resolve(file, '..', specifier)).split('/');
  return target[0] === 'packages' || target[0] === 'services'
    ? (target[1] ?? null)
    : null;
}

function workspaceImports(workspace: string) {
  return sourceFiles(join(ROOT, workspace)).flatMap((file) =>
    importsOf(file).map((imp) => ({
      file: relative(ROOT, file),
      ...imp,
      target: workspaceOf(file, imp.specifier),
    })),
  );
}

function dependencies(
  workspace: string,
  kinds: readonly string[] = [
    'dependencies',
    'devDependencies',
    'peerDependencies',
  ],
): string[] {
  const pkg = JSON.parse(
    readFileSync(join(ROOT, workspace, 'package.json'), 'utf8'),
  ) as Record<string, Record<string, string> | undefined>;
  return kinds.flatMap((kind) => Object.keys(pkg[kind] ?? {}));
}

/** The workspaces a workspace's own sources (src/, not tests) import. */
function sourceTargets(workspace: string): string[] {
  return [
    ...new Set(
      workspaceImports(workspace)
        .filter(
          (i) => i.file.includes('/src/') && !/\.test(-d)?\.ts$/.test(i.file),
        )
        .flatMap((i) =>
          i.target && `${workspace}`.split('/')[1] !== i.target
            ? [i.target]
            : [],
        ),
    ),
  ].sort();
}

/** Packages above the engine, beside history: each takes from queue and core only. */
const FEATURES = ['schedules', 'webhooks', 'ops'] as const;
/** What the engine must never import (its tests included). */
const ABOVE_ENGINE: readonly string[] = [
  ...FEATURES,
  'history',
  'api',
  'worker',
];

/** Cycles among workspaces through `dependencies` (devDependencies may point back for tests). */
function dependencyCycles(): string[][] {
  const workspaces = ['packages', 'services'].flatMap((dir) =>
    readdirSync(join(ROOT, dir)).map((name) => `${dir}/${name}`),
  );
  const byName = new Map(
    workspaces.map((w) => {
      const pkg = JSON.parse(
        readFileSync(join(ROOT, w, 'package.json'), 'utf8'),
      ) as { name: string };
      return [pkg.name, w] as const;
    }),
  );
  const cycles: string[][] = [];
  const visit = (name: string, path: readonly string[]): void => {
    if (path.includes(name)) {
      cycles.push([...path.slice(path.indexOf(name)), name]);
      return;
    }
    const workspace = byName.get(name);
    if (!workspace) return;
    for (const dep of dependencies(workspace, ['dependencies']))
      visit(dep, [...path, name]);
  };
  for (const name of byName.keys()) visit(name, []);
  return cycles;
}

describe('the dependency rule', () => {
  it('sees imports (guards the checker itself)', () => {
    const targets = workspaceImports('services/api').map((i) => i.target);
    expect(targets).toContain('jobs');
    expect(targets).toContain('queue');
  });

  it('is one-way: services → features → @conveyor/queue → @conveyor/core', () => {
    expect(sourceTargets('packages/core')).toEqual([]);
    expect(sourceTargets('packages/jobs')).toEqual(['core']);
    expect(sourceTargets('packages/queue')).toEqual(['core']);
    for (const feature of FEATURES)
      expect(sourceTargets(`packages/${feature}`)).toEqual(['core', 'queue']);
    expect(sourceTargets('packages/history')).toEqual(['queue']);
    const services = [
      'core',
      'history',
      'jobs',
      'ops',
      'queue',
      'schedules',
      'webhooks',
    ];
    expect(sourceTargets('services/api')).toEqual(services);
    expect(sourceTargets('services/worker')).toEqual(services);
  });

  it('the contract depends on zod and superjson only', () => {
    expect(
      dependencies('packages/core', [
        'dependencies',
        'peerDependencies',
      ]).sort(),
    ).toEqual(['superjson', 'zod']);
    // Its tests may use the fixtures; what it installs has no workspace.
    expect(
      dependencies('packages/core', [
        'dependencies',
        'peerDependencies',
      ]).filter((d) => d.startsWith('@conveyor/')),
    ).toEqual([]);
  });

  it('the engine imports no feature above it, and installs only what enqueue and the worker pool need', () => {
    const upward = workspaceImports('packages/queue').filter(
      (i) => i.target !== null && ABOVE_ENGINE.includes(i.target),
    );
    expect(upward).toEqual([]);
    expect(
      dependencies('packages/queue', [
        'dependencies',
        'peerDependencies',
      ]).sort(),
    ).toEqual([
      '@conveyor/core',
      '@opentelemetry/api',
      'bullmq',
      'ioredis',
      'pino',
    ]);
  });

  it('schedules, webhooks and ops take only from the engine and the contract', () => {
    for (const feature of FEATURES) {
      const targets = workspaceImports(`packages/${feature}`).flatMap((i) =>
        i.target && i.target !== feature ? [i.target] : [],
      );
      expect(
        targets.filter(
          (t) => !['core', 'queue', 'fixtures', 'testkit'].includes(t),
        ),
      ).toEqual([]);
    }
  });

  it('workspace runtime dependencies form no cycle', () => {
    expect(dependencyCycles()).toEqual([]);
  });

  it('history sits beside the runtime: it takes from the runtime and the contract, never a service', () => {
    expect(
      sourceTargets('packages/history').filter(
        (t) => !['core', 'jobs', 'queue'].includes(t),
      ),
    ).toEqual([]);
    expect(
      dependencies('packages/history').filter((d) =>
        /^@conveyor\/(api|worker|client)$/.test(d),
      ),
    ).toEqual([]);
  });

  it('the runtime and its features depend on no service', () => {
    for (const workspace of ['queue', ...FEATURES])
      expect(
        dependencies(`packages/${workspace}`).filter((d) =>
          /^@conveyor\/(api|worker|client)$/.test(d),
        ),
      ).toEqual([]);
  });

  it('the API and the worker never import each other', () => {
    expect(
      workspaceImports('services/api').filter((i) => i.target === 'worker'),
    ).toEqual([]);
    expect(
      workspaceImports('packages/server').filter((i) => i.target === 'worker'),
    ).toEqual([]);
    expect(
      workspaceImports('services/worker').filter((i) => i.target === 'api'),
    ).toEqual([]);
    expect(dependencies('services/api')).not.toContain('@conveyor/worker');
    expect(dependencies('services/worker')).not.toContain('@conveyor/api');
  });

  it('the client takes only types from the API, and installing it installs no server', () => {
    const fromApi = workspaceImports('packages/client').filter(
      (i) => i.target === 'server' && i.file.includes('/src/'),
    );
    expect(fromApi.length).toBeGreaterThan(0);
    expect(fromApi.filter((i) => !i.typeOnly)).toEqual([]);
    expect(sourceTargets('packages/client')).toEqual(['server']);
    // What a consumer installs: no Conveyor workspace, no queue engine.
    expect(
      dependencies('packages/client', [
        'dependencies',
        'peerDependencies',
      ]).filter((d) => /^(@conveyor\/|bullmq$|ioredis$)/.test(d)),
    ).toEqual([]);
  });
});
