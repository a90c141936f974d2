import type { IncomingMessage } from 'node:http';

/**
 * A small request body as text; null as soon as it is larger than `limit`
 * bytes (answer 413). The rest of such a body keeps flowing and is dropped,
 * not cut off: destroying the request would reset the connection, and the
 * client would never see the 413.
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData);
      req.resume(); // drain what is left, without keeping it
      resolve(null);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}
