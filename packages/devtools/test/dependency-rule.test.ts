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

describe('the dependency rule', () => {
  it('sees imports (guards the checker itself)', () => {
    const targets = workspaceImports('services/api').map((i) => i.target);
    expect(targets).toContain('jobs');
    expect(targets).toContain('queue');
  });

  it('is one-way: services → @conveyor/history → @conveyor/queue → @conveyor/jobs', () => {
    expect(sourceTargets('packages/jobs')).toEqual([]);
    expect(sourceTargets('packages/queue')).toEqual(['jobs']);
    expect(sourceTargets('packages/server')).toEqual([
      'core',
      'history',
      'queue',
    ]);
    expect(sourceTargets('services/api')).toEqual(['jobs', 'queue', 'server']);
    expect(sourceTargets('services/worker')).toEqual([
      'history',
      'jobs',
      'queue',
    ]);
  });

  it('the contract depends on zod and superjson only', () => {
    expect(
      dependencies('packages/jobs', [
        'dependencies',
        'peerDependencies',
      ]).sort(),
    ).toEqual(['superjson', 'zod']);
    expect(
      dependencies('packages/jobs').filter((d) => d.startsWith('@conveyor/')),
    ).toEqual([]);
  });

  it('history sits beside the runtime: it takes from the runtime and the contract, never a service', () => {
    expect(
      sourceTargets('packages/history').filter(
        (t) => !['jobs', 'queue'].includes(t),
      ),
    ).toEqual([]);
    expect(
      dependencies('packages/history').filter((d) =>
        /^@conveyor\/(api|worker|client)$/.test(d),
      ),
    ).toEqual([]);
  });

  it('the runtime depends on no service', () => {
    expect(
      dependencies('packages/queue').filter((d) =>
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
