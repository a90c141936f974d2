import { writeSync } from 'node:fs';

/** A pino destination: `write` takes one serialised line. */
export interface LogDestination {
  write(line: string): void;
  /** Writes what is pending now, synchronously. */
  flushSync(): void;
  /** pino's `logger.flush(cb)`. */
  flush(done?: (error?: Error) => void): void;
}

/** Past this much pending text a turn's lines are written at once. */
const MAX_PENDING_CHARS = 64 * 1024;
/** How long to wait for a full pipe (a non-blocking one answers EAGAIN) to drain before retrying. */
const FULL_PIPE_WAIT_MS = 5;
const waitCell = new Int32Array(new SharedArrayBuffer(4));

const live = new Set<WeakRef<LogDestination>>();
let exitHooked = false;

/**
 * Log lines written once per event-loop turn: a line costs the caller a
 * string append, and the lines of one turn (a busy API answers many
 * requests per turn) reach the file descriptor in one synchronous write
 * when the turn ends. Synchronous, so nothing is ever in flight: every
 * pending line is written when the process exits, by `process.exit` after
 * a fatal line or on shutdown, or when its event loop runs dry (pino's
 * default destination writes from the thread pool, and a write still
 * queued there when the process exits is lost).
 */
export function turnBatchedDestination(fd = 1): LogDestination {
  let pending = '';
  let scheduled = false;
  let closed = false;
  const flushSync = () => {
    scheduled = false;
    if (!pending) return;
    const text = pending;
    pending = '';
    if (!closed) closed = !writeAll(fd, text);
  };
  const destination: LogDestination = {
    write(line) {
      pending += line;
      if (pending.length >= MAX_PENDING_CHARS) flushSync();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flushSync);
      }
    },
    flushSync,
    flush(done) {
      flushSync();
      done?.();
    },
  };
  live.add(new WeakRef(destination));
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', flushAll);
  }
  return destination;
}

/**
 * Writes all of `text`; false once the reader is gone (EPIPE: logging
 * stops, as pino's own destination does). Any other failure drops this
 * batch rather than crash the service over a log line.
 */
function writeAll(fd: number, text: string): boolean {
  let bytes = Buffer.from(text);
  while (bytes.length > 0) {
    try {
      bytes = bytes.subarray(writeSync(fd, bytes));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') return false;
      if (code !== 'EAGAIN') return true;
      Atomics.wait(waitCell, 0, 0, FULL_PIPE_WAIT_MS);
    }
  }
  return true;
}

function flushAll(): void {
  for (const ref of live) {
    const destination = ref.deref();
    if (destination) destination.flushSync();
    else live.delete(ref);
  }
}
