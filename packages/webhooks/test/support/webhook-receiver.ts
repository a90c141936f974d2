import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ReceivedDelivery {
  headers: IncomingHttpHeaders;
  body: string;
  /** When the request arrived, and when the receiver answered (ms). */
  at: number;
  answeredAt?: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedDelivery[];
  /** What the next request is answered with (and after how long); 200 at once by default. */
  reply(
    next: (request: ReceivedDelivery) => { status: number; delayMs?: number },
  ): void;
  close(): Promise<void>;
}

/** A real HTTP receiver on 127.0.0.1 that records every delivery. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedDelivery[] = [];
  let answer = (_: ReceivedDelivery): { status: number; delayMs?: number } => ({
    status: 200,
  });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const delivery: ReceivedDelivery = {
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        at: Date.now(),
      };
      received.push(delivery);
      const { status, delayMs = 0 } = answer(delivery);
      void sleep(delayMs).then(() => {
        delivery.answeredAt = Date.now();
        res.writeHead(status).end();
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    reply(next) {
      answer = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
