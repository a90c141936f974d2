import { createConnection, createServer, type Socket } from 'node:net';

export interface MuteProxy {
  url: string;
  /** How many connections were muted so far. */
  muted(): number;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of Redis that forwards everything, except that the
 * first time a client sends a command containing `marker`, Redis still gets
 * the command (and runs it) but its replies on that connection never come
 * back; after `cutAfterMs` the connection is closed, so the client reconnects. That is
 * "the add was sent and no answer came": a stalled network or Redis.
 */
export async function startMuteProxy(
  redisPort: number,
  marker: string,
  cutAfterMs = 2_500,
): Promise<MuteProxy> {
  let mutedCount = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: redisPort });
    sockets.add(client).add(upstream);
    let muted = false;
    client.on('data', (chunk) => {
      upstream.write(chunk);
      // Once: ioredis re-sends unanswered commands after reconnecting.
      if (mutedCount === 0 && chunk.includes(marker)) {
        muted = true;
        mutedCount += 1;
        setTimeout(() => {
          client.destroy();
          upstream.destroy();
        }, cutAfterMs);
      }
    });
    upstream.on('data', (chunk) => {
      if (!muted) client.write(chunk);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${port}`,
    muted: () => mutedCount,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
