import { TRPCError } from '@trpc/server';
import type { IncomingMessage } from 'node:http';

const utf8 = new TextDecoder();

/**
 * A request body read the way tRPC's Node adapter reads it: collected as it
 * streams in from the moment the request arrives, refused with the same
 * `PAYLOAD_TOO_LARGE` as soon as it grows past `maxBytes` (nothing more is
 * kept), decoded as Fetch's `text()` decodes (UTF-8, BOM dropped, bad bytes
 * replaced). A client that goes away mid-body is Fetch's `AbortError`.
 *
 * The promise may never be awaited (a call refused before it reads its
 * input): its rejection is handled here so it never goes unhandled.
 */
export function readBody(
  req: IncomingMessage,
  maxBytes: number,
): Promise<string> {
  const body = new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.off('error', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      stop();
      // Stays flowing: the rest is read and dropped, as tRPC's adapter does.
      reject(new TRPCError({ code: 'PAYLOAD_TOO_LARGE' }));
    };
    const onEnd = () => {
      stop();
      resolve(decode(chunks));
    };
    const onClose = () => {
      stop();
      reject(new DOMException('This operation was aborted', 'AbortError'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
    req.on('error', onClose);
  });
  body.catch(() => undefined);
  return body;
}

function decode(chunks: readonly Buffer[]): string {
  const [first] = chunks;
  if (first === undefined) return '';
  return utf8.decode(chunks.length === 1 ? first : Buffer.concat(chunks));
}
