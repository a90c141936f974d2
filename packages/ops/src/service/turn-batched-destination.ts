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
/** How long a full pipe (a non-blocking one answers EAGAIN) is given to drain before the next try. */
const FULL_PIPE_WAIT_MS = 5;
const waitCell = new Int32Array(new SharedArrayBuffer(4));

const live = new Set<WeakRef<LogDestination>>();
let exitHooked = false;

/**
 * Log lines written once per event-loop turn: a line costs the caller a
 * string append, and the lines of one turn (a busy API answers many
 * requests per turn) reach the file descriptor in one synchronous write
 * when the turn ends. Nothing is ever in flight: every pending line is
 * written when the process exits, by `process.exit` after a fatal line or
 * on shutdown, or when its event loop runs dry (pino's default destination
 * writes from the thread pool, and a write still queued there when the
 * process exits is lost). A full pipe (EAGAIN) never blocks the event loop
 * (a worker must keep renewing its locks): what did not fit waits for the
 * next try, except at exit, which waits for the reader.
 */
export function turnBatchedDestination(fd = 1): LogDestination {
  let pending = '';
  let unwritten: Buffer | null = null;
  let scheduled = false;
  let closed = false;
  const flush = (atExit: boolean) => {
    scheduled = false;
    if (!pending && !unwritten) return;
    const bytes: Buffer = unwritten
      ? Buffer.concat([unwritten, Buffer.from(pending)])
      : Buffer.from(pending);
    pending = '';
    unwritten = null;
    if (closed) return;
    const left = writeAll(fd, bytes, atExit);
    if (left === 'closed') closed = true;
    else if (left.length > 0) {
      unwritten = left;
      scheduled = true;
      setTimeout(() => flush(false), FULL_PIPE_WAIT_MS);
    }
  };
  const destination: LogDestination = {
    write(line) {
      pending += line;
      // A pipe known to be full is retried by its timer, not by each line.
      if (pending.length >= MAX_PENDING_CHARS && !unwritten) flush(false);
      else if (!scheduled) {
        scheduled = true;
        setImmediate(() => flush(false));
      }
    },
    flushSync: () => flush(true),
    flush(done) {
      flush(false);
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
 * Writes `bytes`; returns what a full pipe did not take (with `wait`, it
 * waits for the reader and returns nothing), or 'closed' once the reader
 * is gone (EPIPE: logging stops, as pino's own destination does). Any other
 * failure drops this batch rather than crash the service over a log line.
 */
function writeAll(fd: number, bytes: Buffer, wait: boolean): Buffer | 'closed' {
  let left = bytes;
  while (left.length > 0) {
    try {
      left = left.subarray(writeSync(fd, left));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') return 'closed';
      if (code !== 'EAGAIN') return EMPTY;
      if (!wait) return left;
      Atomics.wait(waitCell, 0, 0, FULL_PIPE_WAIT_MS);
    }
  }
  return left;
}

const EMPTY = Buffer.alloc(0);

function flushAll(): void {
  for (const ref of live) {
    const destination = ref.deref();
    if (destination) destination.flushSync();
    else live.delete(ref);
  }
}
