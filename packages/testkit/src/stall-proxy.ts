import { createConnection, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { ProxiedConnection } from './proxied-connection.ts';
import type { StallOptions, StallProxyOptions } from './stall-proxy-options.ts';

const SENT_KEPT = 64 * 1024;

export interface StallProxy {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  connections(): readonly ProxiedConnection[];
  /**
   * Stops forwarding bytes (both ways) on the chosen connections without
   * closing them: each end sees a live, silent socket. Bytes are held and
   * delivered on `heal()`.
   */
  stall(options?: StallOptions): void;
  /** Everything forwards again, held bytes first. */
  heal(): void;
  /**
   * Connections accepted from now on forward; the stalled ones stay
   * stalled (sockets that look alive and never answer), so only a client
   * that opens a new connection gets through.
   */
  healNew(): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy a test controls, between a process and its server (Redis):
 * stalls model a connection that looks healthy but delivers nothing
 * (bullmq#4585), and later network partitions.
 */
export async function startStallProxy(
  options: StallProxyOptions,
): Promise<StallProxy> {
  const pipes: Pipe[] = [];
  let stallNew = false;
  const server = createServer((client) => {
    const pipe = new Pipe(pipes.length + 1, client, stallNew, options.target);
    pipes.push(pipe);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    connections: () => [...pipes],
    stall({ where = () => true, newConnections = false } = {}) {
      for (const pipe of pipes) if (where(pipe)) pipe.stalled = true;
      stallNew = newConnections;
    },
    heal() {
      stallNew = false;
      for (const pipe of pipes) pipe.release();
    },
    healNew() {
      stallNew = false;
    },
    close: () =>
      new Promise((resolve) => {
        for (const pipe of pipes) pipe.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A client socket, its upstream socket, and the bytes held while stalled. */
class Pipe implements ProxiedConnection {
  stalled: boolean;
  private readonly held: { to: Socket; chunk: Buffer }[] = [];
  private sentText = '';
  private readonly upstream: Socket;

  constructor(
    readonly id: number,
    private readonly client: Socket,
    readonly bornStalled: boolean,
    target: StallProxyOptions['target'],
  ) {
    this.stalled = bornStalled;
    this.upstream = createConnection(target.port, target.host ?? '127.0.0.1');
    client.on('data', (chunk) => {
      if (this.sentText.length < SENT_KEPT)
        this.sentText += chunk.toString('latin1').slice(0, SENT_KEPT);
      this.forward(this.upstream, chunk);
    });
    this.upstream.on('data', (chunk) => this.forward(client, chunk));
    // Either side closing closes both: a stall never closes anything itself.
    for (const socket of [client, this.upstream]) {
      socket.on('error', () => this.destroy());
      socket.on('close', () => this.destroy());
    }
  }

  get closed(): boolean {
    return this.client.destroyed;
  }

  sent(): string {
    return this.sentText;
  }

  release(): void {
    this.stalled = false;
    for (const { to, chunk } of this.held.splice(0))
      if (!to.destroyed) to.write(chunk);
  }

  destroy(): void {
    this.client.destroy();
    this.upstream.destroy();
  }

  private forward(to: Socket, chunk: Buffer): void {
    if (this.stalled) this.held.push({ to, chunk });
    else if (!to.destroyed) to.write(chunk);
  }
}
