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

function dependencies(workspace: string): string[] {
  const pkg = JSON.parse(
    readFileSync(join(ROOT, workspace, 'package.json'), 'utf8'),
  ) as Record<string, Record<string, string> | undefined>;
  return [
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.devDependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
  ];
}

describe('the dependency rule', () => {
  it('sees imports (guards the checker itself)', () => {
    const targets = workspaceImports('services/api').map((i) => i.target);
    expect(targets).toContain('jobs');
  });

  it('packages/jobs imports no other workspace and depends on none', () => {
    const outside = workspaceImports('packages/jobs').filter(
      (i) => i.target && i.target !== 'jobs',
    );
    expect(
      outside.filter(
        (i) => i.target !== 'testkit' || !i.file.includes('/test/'),
      ),
    ).toEqual([]);
    expect(
      dependencies('packages/jobs').filter((d) =>
        /^@conveyor\/(?!testkit$)/.test(d),
      ),
    ).toEqual([]);
  });

  it('the API and the worker never import each other', () => {
    expect(
      workspaceImports('services/api').filter((i) => i.target === 'worker'),
    ).toEqual([]);
    expect(
      workspaceImports('services/worker').filter((i) => i.target === 'api'),
    ).toEqual([]);
    expect(dependencies('services/api')).not.toContain('@conveyor/worker');
    expect(dependencies('services/worker')).not.toContain('@conveyor/api');
  });

  it('the client takes only types from the API (no server code in a client bundle)', () => {
    const fromApi = workspaceImports('packages/client').filter(
      (i) => i.target === 'api' && i.file.includes('/src/'),
    );
    expect(fromApi.length).toBeGreaterThan(0);
    expect(fromApi.filter((i) => !i.typeOnly)).toEqual([]);
  });
});
