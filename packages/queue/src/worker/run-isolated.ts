import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { AttemptTimeoutError } from './attempt-timeout-error.ts';
import type { IsolatedTarget } from './isolated.ts';
import {
  deserializeError,
  type IsolatedStart,
  type MainMessage,
  type ThreadMessage,
} from './isolated-protocol.ts';
import type { ProcessorContext } from './processor.ts';

/** How long a cancelled thread may take to stop by itself before it is terminated. */
const ABORT_GRACE_MS = 1_000;
// The entry beside this file, under this file's own extension: .ts from
// sources (tsx, inherited through execArgv), .js from a build.
const THREAD_ENTRY = new URL(
  `./isolated-thread${extname(fileURLToPath(import.meta.url))}`,
  import.meta.url,
);

/**
 * Runs one attempt of an isolated processor in a new worker thread and
 * settles with its result or error. The context's signal reaches the thread;
 * a timeout terminates it at once, any other abort after a short grace.
 */
// eslint-disable-next-line max-lines-per-function -- 69 lines: runIsolated split pending (issue #18)
export function runIsolated(
  target: IsolatedTarget,
  payload: unknown,
  context: ProcessorContext,
  logger: Logger,
): Promise<unknown> {
  const start: IsolatedStart = {
    target,
    payload,
    context: {
      jobId: context.jobId,
      tenantId: context.tenantId,
      attempt: context.attempt,
      attempts: context.attempts,
    },
    log: { level: logger.level, bindings: logger.bindings() },
  };
  const thread = spawnThread(start);
  const tell = (message: MainMessage) => thread.postMessage(message);
  return new Promise((resolve, reject) => {
    let graceTimer: NodeJS.Timeout | undefined;
    const settle = (outcome: () => void) => {
      context.signal.removeEventListener('abort', onAbort);
      clearTimeout(graceTimer);
      thread.removeAllListeners();
      thread.on('error', () => undefined);
      void thread.terminate();
      outcome();
    };
    const onAbort = () => {
      const reason: unknown = context.signal.reason;
      if (reason instanceof AttemptTimeoutError)
        return settle(() => reject(reason));
      tell({ type: 'abort', reason: String(describe(reason)) });
      graceTimer = setTimeout(
        () =>
          settle(() =>
            reject(
              reason instanceof Error ? reason : new Error(String(reason)),
            ),
          ),
        ABORT_GRACE_MS,
      );
    };
    if (context.signal.aborted) onAbort();
    else context.signal.addEventListener('abort', onAbort, { once: true });

    thread.on('message', (message: ThreadMessage) => {
      if (message.type === 'completed')
        return settle(() => resolve(message.value));
      if (message.type === 'failed')
        return settle(() => reject(deserializeError(message.error)));
      context.progress(message.value).then(
        () => tell({ type: 'progress-done', seq: message.seq }),
        (error: unknown) =>
          tell({
            type: 'progress-done',
            seq: message.seq,
            error: String(describe(error)),
          }),
      );
    });
    thread.on('error', (error) => settle(() => reject(error)));
    thread.on('exit', (code) =>
      settle(() =>
        reject(new Error(`Isolated processor thread exited (${code}) early`)),
      ),
    );
  });
}

/**
 * From a build the entry is plain JavaScript. From sources (tsx) it is
 * TypeScript, and Node 20 does not carry the parent's module hooks into a
 * worker thread, so the thread registers tsx before importing the entry.
 */
function spawnThread(workerData: IsolatedStart): Worker {
  if (!THREAD_ENTRY.pathname.endsWith('.ts'))
    return new Worker(THREAD_ENTRY, { workerData });
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(THREAD_ENTRY.href);
  return new Worker(
    `import(${tsx}).then((tsx) => { tsx.register(); return import(${entry}); });`,
    { eval: true, workerData },
  );
}

function describe(reason: unknown): unknown {
  return reason instanceof Error ? reason.message : reason;
}
