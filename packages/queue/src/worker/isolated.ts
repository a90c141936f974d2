import { loadIsolatedExport } from './load-isolated-export.ts';
import type { ProcessorContext } from './processor.ts';

const ISOLATED = Symbol.for('conveyor.isolated');

/** Where an isolated processor lives: a module URL and the name of its export. */
export interface IsolatedTarget {
  module: string;
  exportName: string;
}

/** The export's own type, so the processor map checks it against the job; a wrong name does not compile. */
export type IsolatedExport<
  TModule,
  TExport extends string,
> = TExport extends keyof TModule
  ? TModule[TExport]
  : { missingExport: TExport };

/**
 * Declares that a job's processor runs in a worker thread of its own, one per
 * attempt: CPU-bound or blocking work cannot stall the main thread (which
 * keeps renewing the job's lock), and at the job's timeout the thread is
 * terminated, busy loop or not. The processor is typed against its job where
 * it is written, and the map checks the export's type:
 *
 * ```ts
 * import type * as reportBuild from './report-build.ts';
 * 'report.build': isolated<typeof reportBuild>(new URL('./report-build.ts', import.meta.url)),
 * ```
 *
 * The module is not loaded in the main thread. Its payload, result and
 * progress cross the thread boundary by structured clone (Dates survive).
 * Called directly (a unit test), the processor runs in-process.
 */
export function isolated<TModule, TExport extends string = 'default'>(
  module: URL,
  exportName: TExport = 'default' as TExport,
): IsolatedExport<TModule, TExport> {
  const target: IsolatedTarget = { module: module.href, exportName };
  const inProcess = async (payload: unknown, context: ProcessorContext) =>
    (await loadIsolatedExport(target))(payload, context);
  return Object.assign(inProcess, { [ISOLATED]: target }) as IsolatedExport<
    TModule,
    TExport
  >;
}

/** The thread target of a processor declared with `isolated`, else undefined. */
export function isolatedTarget(processor: unknown): IsolatedTarget | undefined {
  if (typeof processor !== 'function') return undefined;
  return (processor as { [ISOLATED]?: IsolatedTarget })[ISOLATED];
}
