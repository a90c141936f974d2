// Where the example app's catalog lives and how to edit its two lists (the
// registry, the processor map) without hand-written regexes over code: the
// TypeScript parser finds the nodes, the edits are plain text at their
// positions, prettier formats the result. Used by `yarn new-job` and its test.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The repository root, from this file (never from the working directory). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface CatalogPaths {
  root: string;
  jobsDir: string;
  jobsIndex: string;
  queuesFile: string;
  jobsPackageJson: string;
  processorsDir: string;
  processorsIndex: string;
}

export function catalogPaths(root: string = REPO_ROOT): CatalogPaths {
  const jobsDir = join(root, 'packages/jobs/src');
  const processorsDir = join(root, 'services/worker/src/processors');
  return {
    root,
    jobsDir,
    jobsIndex: join(jobsDir, 'index.ts'),
    queuesFile: join(jobsDir, 'queues.ts'),
    jobsPackageJson: join(root, 'packages/jobs/package.json'),
    processorsDir,
    processorsIndex: join(processorsDir, 'index.ts'),
  };
}

/** Same rule as JOB_NAME in packages/core/src/define-job.ts (a test keeps them equal). */
export const JOB_NAME =
  /^(?:[a-z][a-z0-9-]*(?:\.[a-z][a-z0-9-]*)*|[A-Z][A-Z0-9_]*)$/;
/** Same rule as QUEUE_NAME in packages/core/src/define-job.ts. */
export const QUEUE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** `report.build` → report-build / reportBuild / ReportBuild; `TEST_JOB` → test-job / testJob / TestJob. */
export function jobNames(name: string) {
  const words = name
    .split(/[._-]/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  const pascal = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  return {
    kebab: words.join('-'),
    camel: pascal[0]!.toLowerCase() + pascal.slice(1),
    pascal,
  };
}

export function parse(path: string, text = readFileSync(path, 'utf8')) {
  return ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
}

function find<T extends ts.Node>(
  root: ts.Node,
  test: (node: ts.Node) => node is T,
): T[] {
  const found: T[] = [];
  const visit = (node: ts.Node) => {
    if (test(node)) found.push(node);
    ts.forEachChild(node, visit);
  };
  visit(root);
  return found;
}

const nameText = (name: ts.PropertyName): string | undefined =>
  ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : undefined;

/** The job names the catalog's contracts declare (`name: '…'` in each file). */
export function catalogJobNames(paths: CatalogPaths): string[] {
  return readdirSync(paths.jobsDir)
    .filter((f) => f.endsWith('.ts') && !/\.test(-d)?\.ts$/.test(f))
    .flatMap((f) =>
      [
        ...readFileSync(join(paths.jobsDir, f), 'utf8').matchAll(
          /\bname:\s*'([^']+)'/g,
        ),
      ].map((m) => m[1]!),
    );
}

/** QUEUES in queues.ts: key → queue name, and the object literal to extend. */
export function readQueues(source: ts.SourceFile) {
  const decl = find(source, ts.isVariableDeclaration).find(
    (d) => ts.isIdentifier(d.name) && d.name.text === 'QUEUES',
  );
  let init = decl?.initializer;
  while (init && (ts.isAsExpression(init) || ts.isSatisfiesExpression(init)))
    init = init.expression;
  if (!init || !ts.isObjectLiteralExpression(init)) return undefined;
  const entries = new Map<string, string>();
  for (const p of init.properties) {
    if (!ts.isPropertyAssignment(p) || !ts.isStringLiteral(p.initializer))
      continue;
    const key = nameText(p.name);
    if (key !== undefined) entries.set(key, p.initializer.text);
  }
  return { entries, literal: init };
}

/** The array passed to `defineRegistry([...])`. */
export function registryArray(source: ts.SourceFile) {
  const call = find(source, ts.isCallExpression).find(
    (c) =>
      ts.isIdentifier(c.expression) && c.expression.text === 'defineRegistry',
  );
  const arg = call?.arguments[0];
  return arg && ts.isArrayLiteralExpression(arg) ? arg : undefined;
}

/** The `export { a, b }` (no `from`) that re-exports the contracts. */
export function exportList(source: ts.SourceFile) {
  return find(source, ts.isExportDeclaration).find(
    (e) =>
      !e.moduleSpecifier &&
      !e.isTypeOnly &&
      e.exportClause !== undefined &&
      ts.isNamedExports(e.exportClause),
  );
}

/** The processor map: the object literal keyed by the most known job names. */
export function processorMap(source: ts.SourceFile, jobNames: string[]) {
  const known = new Set(jobNames);
  const score = (o: ts.ObjectLiteralExpression) =>
    o.properties.filter((p) => {
      const key = elementName(p);
      return key !== undefined && known.has(key);
    }).length;
  const best = find(source, ts.isObjectLiteralExpression)
    .map((o) => ({ o, n: score(o) }))
    .sort((a, b) => b.n - a.n)[0];
  return best && best.n > 0 ? best.o : undefined;
}

/** The module a file imports `binding` from (`ProcessorMap` → '@conveyor/queue'). */
export function importSourceOf(source: ts.SourceFile, binding: string) {
  for (const imp of source.statements.filter(ts.isImportDeclaration)) {
    const named = imp.importClause?.namedBindings;
    if (
      named &&
      ts.isNamedImports(named) &&
      named.elements.some((e) => e.name.text === binding) &&
      ts.isStringLiteral(imp.moduleSpecifier)
    )
      return imp.moduleSpecifier.text;
  }
  return undefined;
}

export interface Edit {
  at: number;
  /** Characters removed from `at` on (0 for an insertion). */
  remove?: number;
  text: string;
}

/** Apply edits from last to first, so earlier positions stay valid. */
export function applyEdits(text: string, edits: Edit[]): string {
  return [...edits]
    .sort((a, b) => b.at - a.at)
    .reduce(
      (out, e) =>
        out.slice(0, e.at) + e.text + out.slice(e.at + (e.remove ?? 0)),
      text,
    );
}

/** Append one element to a list (array, object, named exports). */
export function appendTo(
  list: ts.NodeArray<ts.Node>,
  text: string,
  container: ts.Node,
): Edit {
  const last = list[list.length - 1];
  if (!last) return { at: container.getStart() + 1, text };
  return { at: last.getEnd(), text: `, ${text}` };
}

/** A relative import, placed in path order among the file's other `./` imports. */
export function insertImport(
  source: ts.SourceFile,
  line: string,
  spec: string,
): Edit {
  const imports = source.statements.filter(ts.isImportDeclaration);
  const relative = imports.filter(
    (i) =>
      ts.isStringLiteral(i.moduleSpecifier) &&
      i.moduleSpecifier.text.startsWith('./'),
  );
  const after = relative.find(
    (i) => (i.moduleSpecifier as ts.StringLiteral).text > spec,
  );
  if (after) return { at: after.getStart(), text: `${line}\n` };
  const last = relative.at(-1) ?? imports.at(-1);
  return last
    ? { at: last.getEnd(), text: `\n${line}` }
    : { at: 0, text: `${line}\n` };
}

/** Remove one element of a list (array, object, named exports) with its comma. */
export function removeFrom(
  list: ts.NodeArray<ts.Node>,
  element: ts.Node,
): Edit {
  const i = list.indexOf(element);
  const next = list[i + 1];
  if (next)
    return {
      at: element.getStart(),
      remove: next.getStart() - element.getStart(),
      text: '',
    };
  const previous = list[i - 1];
  const from = previous ? previous.getEnd() : element.getStart();
  const to = list.hasTrailingComma
    ? element.getSourceFile().text.indexOf(',', element.getEnd()) + 1
    : element.getEnd();
  return { at: from, remove: to - from, text: '' };
}

/** Remove the import of a relative module (`./sms-send.ts`), line and all. */
export function removeImport(source: ts.SourceFile, spec: string): Edit[] {
  return source.statements
    .filter(
      (s): s is ts.ImportDeclaration =>
        ts.isImportDeclaration(s) &&
        ts.isStringLiteral(s.moduleSpecifier) &&
        s.moduleSpecifier.text === spec,
    )
    .map((s) => {
      const end =
        source.text[s.getEnd()] === '\n' ? s.getEnd() + 1 : s.getEnd();
      return { at: s.getStart(), remove: end - s.getStart(), text: '' };
    });
}

/** The key of an object property, or the name of an identifier element. */
export function elementName(node: ts.Node): string | undefined {
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isExportSpecifier(node)) return node.name.text;
  if (ts.isShorthandPropertyAssignment(node)) return node.name.text;
  if (ts.isPropertyAssignment(node) || ts.isMethodDeclaration(node))
    return nameText(node.name);
  return undefined;
}
