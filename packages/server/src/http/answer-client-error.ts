import type { Duplex } from 'node:stream';

/** Node's own answers for requests its parser refuses (`_http_server.js`). */
const STATUS_LINES: Record<string, string> = {
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: '413 Payload Too Large',
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
};

/** How long to keep reading a refused request before closing regardless. */
const DRAIN_MS = 1_000;

/**
 * The server's `clientError` listener: answers what Node's parser refused
 * (a URL or headers past `maxHeaderSize`, a malformed request, a timeout)
 * with the status Node would send, then closes without a reset. Node's
 * default writes the status and destroys the socket at once; with request
 * bytes still unread the kernel answers with a reset, and Node 26's client
 * (like others) reports ECONNRESET instead of the 431.
 */
export function answerClientError(
  error: Error & { code?: string },
  socket: Duplex,
): void {
  // The parser reports once per chunk it is still fed while we drain.
  if (socket.writableEnded) return;
  if (
    !socket.writable ||
    error.code === 'ECONNRESET' ||
    responseStarted(socket)
  ) {
    socket.destroy();
    return;
  }
  const status = STATUS_LINES[error.code ?? ''] ?? '400 Bad Request';
  socket.end(
    `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
  );
  // Read and drop the rest of the request, so closing leaves nothing unread.
  socket.resume();
  setTimeout(() => socket.destroy(), DRAIN_MS).unref();
}

/**
 * Whether a response on this connection has begun: a status line written
 * into it would corrupt that response. Node's default checks the same
 * (non-public) field.
 */
function responseStarted(socket: Duplex): boolean {
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })
    ._httpMessage;
  return inFlight?.headersSent === true;
}
