import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { IsolatedTarget } from './isolated.ts';
import { NonRetryableError } from './non-retryable-error.ts';
import type { ProcessorContext } from './processor.ts';

type LoadedProcessor = (
  payload: unknown,
  context: ProcessorContext,
) => Promise<unknown>;

/**
 * Imports an isolated processor's module and returns its export. Sources
 * name `./x.ts` while a build holds `./x.js` (and tsx serves a `.js` name from
 * its `.ts`), so a missing file is tried under the other extension.
 */
export async function loadIsolatedExport(
  target: IsolatedTarget,
): Promise<LoadedProcessor> {
  const loaded = (await import(existingModule(target.module))) as Record<
    string,
    unknown
  >;
  const processor = loaded[target.exportName];
  if (typeof processor !== 'function')
    throw new NonRetryableError(
      `Isolated processor: ${target.module} has no function export "${target.exportName}"`,
    );
  return processor as LoadedProcessor;
}

function existingModule(href: string): string {
  if (!href.startsWith('file:') || existsSync(fileURLToPath(href))) return href;
  const swapped = href.endsWith('.ts')
    ? `${href.slice(0, -3)}.js`
    : href.endsWith('.js')
      ? `${href.slice(0, -3)}.ts`
      : href;
  return existsSync(fileURLToPath(swapped)) ? swapped : href;
}
