// `yarn cycles` (part of `yarn lint`): no import cycle inside any workspace's
// sources. Runtime imports only: an `import type` is erased from the emitted
// code (verbatimModuleSyntax), so a cycle made of type imports cannot run
// modules half-initialised, which is the bug this check exists for. Imports
// between workspaces are not followed; the workspaces' own layering is
// checked by packages/devtools/test/dependency-rule.test.ts.
import { createRequire } from 'node:module';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface MadgeResult {
  circular(): string[][];
}
type Madge = (
  paths: string[],
  config: Record<string, unknown>,
) => Promise<MadgeResult>;

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const madge = createRequire(import.meta.url)('madge') as Madge;

const started = Date.now();
const result = await madge([`${ROOT}packages`, `${ROOT}services`], {
  baseDir: ROOT,
  fileExtensions: ['ts'],
  tsConfig: `${ROOT}tsconfig.json`,
  // Sources only: tests, build output and dependencies are not the product.
  excludeRegExp: [/(^|\/)(node_modules|dist|test)\//, /\.test(-d)?\.ts$/],
  detectiveOptions: { ts: { skipTypeImports: true } },
});
const cycles = result.circular();
const took = `${((Date.now() - started) / 1_000).toFixed(1)} s`;

if (cycles.length === 0) {
  console.log(`No import cycles (${took}).`);
} else {
  console.error(
    `Import cycles (${cycles.length}), each closing on its first file:`,
  );
  for (const cycle of cycles) {
    const files = cycle.map((file) => relative(ROOT, `${ROOT}${file}`));
    console.error(`  ${[...files, files[0]].join(' > ')}`);
  }
  console.error(
    'Break each: move the shared part into a module both import, or make the import type-only.',
  );
  process.exitCode = 1;
}
