// The entry of an isolated processor's worker thread: one attempt, then the
// main thread terminates it. See run-isolated.ts for the other side.
import { parentPort, workerData } from 'node:worker_threads';
import type {
  IsolatedStart,
  MainMessage,
  ThreadMessage,
} from './isolated-protocol.ts';
import { serializeError } from './isolated-protocol.ts';
import { createIsolatedLogger } from './isolated-logger.ts';
import { loadIsolatedExport } from './load-isolated-export.ts';
import type { ProcessorContext } from './processor.ts';

const port = parentPort;
if (!port) throw new Error('isolated-thread.ts runs only as a worker thread');
const start = workerData as IsolatedStart;
const send = (message: ThreadMessage) => port.postMessage(message);

const controller = new AbortController();
const pending = new Map<number, (error?: string) => void>();
let seq = 0;
port.on('message', (message: MainMessage) => {
  if (message.type === 'abort') controller.abort(new Error(message.reason));
  else pending.get(message.seq)?.(message.error);
});

const context: ProcessorContext = {
  ...start.context,
  logger: createIsolatedLogger(start.log),
  signal: controller.signal,
  // Checked and stored by the main thread, which answers once it is.
  progress: (value) =>
    new Promise<void>((resolve, reject) => {
      const id = ++seq;
      pending.set(id, (error) => {
        pending.delete(id);
        if (error === undefined) resolve();
        else reject(new Error(error));
      });
      send({ type: 'progress', seq: id, value });
    }),
};

try {
  const processor = await loadIsolatedExport(start.target);
  send({ type: 'completed', value: await processor(start.payload, context) });
} catch (error) {
  send({ type: 'failed', error: serializeError(error) });
}
