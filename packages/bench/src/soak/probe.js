// @ts-check
// Preloaded into the API and the worker by `yarn soak`:
//   node --expose-gc --import <this file> services/<name>/dist/main.js
// It answers the soak's requests on the IPC channel (forked with 'ipc'), so
// the services are measured as production runs them, without a line of
// their code changed. Plain JavaScript: it runs inside compiled `dist` under
// plain Node, where no TypeScript loader is present.
import { EventEmitter } from 'node:events';
import process from 'node:process';
import { setImmediate } from 'node:timers';
import { writeHeapSnapshot } from 'node:v8';

let maxListenersWarnings = 0;
process.on('warning', (warning) => {
  if (warning.name === 'MaxListenersExceededWarning') maxListenersWarnings += 1;
});

/**
 * The emitters a process can reach without help from its code: `process`
 * itself and every active handle (sockets, servers, pipes). The largest
 * listener count on any one event of any of them.
 * @returns {{ processListeners: number, maxListeners: { owner: string, event: string, count: number } }}
 */
function listenerCounts() {
  const handles =
    /** @type {{ _getActiveHandles?: () => unknown[] }} */ (
      /** @type {unknown} */ (process)
    )._getActiveHandles?.() ?? [];
  /** @type {Array<[string, unknown]>} */
  const emitters = [
    ['process', process],
    ...handles.map(
      (handle) =>
        /** @type {[string, unknown]} */ ([
          /** @type {object} */ (handle).constructor.name,
          handle,
        ]),
    ),
  ];
  let processListeners = 0;
  let maxListeners = { owner: 'process', event: '', count: 0 };
  for (const [owner, emitter] of emitters) {
    if (!(emitter instanceof EventEmitter)) continue;
    for (const event of emitter.eventNames()) {
      const count = emitter.listenerCount(event);
      if (emitter === process) processListeners += count;
      if (count > maxListeners.count)
        maxListeners = { owner, event: String(event), count };
    }
  }
  return { processListeners, maxListeners };
}

/** A full collection, twice: the second frees what the first's finalizers released. */
async function collect() {
  const gc = globalThis.gc;
  if (!gc) throw new Error('start the process with --expose-gc');
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}

/** @param {{ soak: string, id: number, path?: string }} request */
async function answer(request) {
  if (request.soak === 'snapshot' && request.path) {
    await collect();
    return { path: writeHeapSnapshot(request.path) };
  }
  await collect();
  const { heapUsed, heapTotal, rss, external, arrayBuffers } =
    process.memoryUsage();
  return {
    pid: process.pid,
    memory: { heapUsed, heapTotal, rss, external, arrayBuffers },
    resources: process.getActiveResourcesInfo(),
    ...listenerCounts(),
    maxListenersWarnings,
  };
}

process.on('message', (message) => {
  const request = /** @type {{ soak?: string, id?: number }} */ (message);
  if (typeof request?.soak !== 'string' || typeof request.id !== 'number')
    return;
  const { id } = request;
  answer(/** @type {{ soak: string, id: number }} */ (request)).then(
    (result) => process.send?.({ soak: 'answer', id, result }),
    (/** @type {unknown} */ error) =>
      process.send?.({ soak: 'answer', id, error: String(error) }),
  );
});
