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

export function runIsolated(
  target: IsolatedTarget,
  payload: unknown,
  context: ProcessorContext,
  logger: Logger,
): Promise<unknown> {
  const thread = spawnThread({
    target,
    payload,
    context: {
      jobId: context.jobId,
      tenantId: context.tenantId,
      attempt: context.attempt,
      attempts: context.attempts,
    },
    log: { level: logger.level, bindings: logger.bindings() },
  });
  return new Promise((resolve, reject) => {
    new IsolatedAttempt(thread, context, { resolve, reject }).start();
  });
}

interface Settlers {
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/** One attempt's thread: relays progress and aborts, and settles once, terminating the thread. */
class IsolatedAttempt {
  private graceTimer: NodeJS.Timeout | undefined;
  private readonly onAbort = () => this.abort();

  constructor(
    private readonly thread: Worker,
    private readonly context: ProcessorContext,
    private readonly settlers: Settlers,
  ) {}

  start(): void {
    const { signal } = this.context;
    if (signal.aborted) this.abort();
    else signal.addEventListener('abort', this.onAbort, { once: true });
    const { thread } = this;
    thread.on('message', (message: ThreadMessage) => this.receive(message));
    thread.on('error', (error) =>
      this.settle(() => this.settlers.reject(error)),
    );
    thread.on('exit', (code) =>
      this.settle(() =>
        this.settlers.reject(
          new Error(`Isolated processor thread exited (${code}) early`),
        ),
      ),
    );
  }

  private receive(message: ThreadMessage): void {
    const { resolve, reject } = this.settlers;
    if (message.type === 'completed')
      return this.settle(() => resolve(message.value));
    if (message.type === 'failed')
      return this.settle(() => reject(deserializeError(message.error)));
    this.context.progress(message.value).then(
      () => this.tell({ type: 'progress-done', seq: message.seq }),
      (error: unknown) =>
        this.tell({
          type: 'progress-done',
          seq: message.seq,
          error: String(describe(error)),
        }),
    );
  }

  /** A timeout terminates at once; any other abort gives the processor a short grace first. */
  private abort(): void {
    const reason: unknown = this.context.signal.reason;
    if (reason instanceof AttemptTimeoutError)
      return this.settle(() => this.settlers.reject(reason));
    this.tell({ type: 'abort', reason: String(describe(reason)) });
    const error = reason instanceof Error ? reason : new Error(String(reason));
    this.graceTimer = setTimeout(
      () => this.settle(() => this.settlers.reject(error)),
      ABORT_GRACE_MS,
    );
  }

  private settle(outcome: () => void): void {
    this.context.signal.removeEventListener('abort', this.onAbort);
    clearTimeout(this.graceTimer);
    this.thread.removeAllListeners();
    this.thread.on('error', () => undefined);
    void this.thread.terminate();
    outcome();
  }

  private tell(message: MainMessage): void {
    this.thread.postMessage(message);
  }
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
