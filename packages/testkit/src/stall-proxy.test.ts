import { createConnection, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from './helpers.ts';
import { startStallProxy } from './stall-proxy.ts';

/** A loopback echo server: what the proxy forwards comes back. */
async function echoServer() {
  const server = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** A client through the proxy, keeping everything it was sent back. */
async function client(port: number) {
  const socket: Socket = createConnection(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString()));
  return {
    socket,
    received: () => received,
    echoed: (text: string) =>
      waitFor(() => (received.endsWith(text) ? true : undefined), 10_000, text),
  };
}

describe('startStallProxy', () => {
  const closing: (() => unknown)[] = [];
  afterAll(async () => {
    for (const close of closing.reverse()) await close();
  });

  it('holds bytes on stalled connections without closing them, lets new ones through after healNew, and delivers on heal', async () => {
    const echo = await echoServer();
    closing.push(() => new Promise((r) => echo.server.close(r)));
    const proxy = await startStallProxy({ target: { port: echo.port } });
    closing.push(() => proxy.close());

    const a = await client(proxy.port);
    closing.push(() => a.socket.destroy());
    a.socket.write('PING a');
    await a.echoed('PING a');
    expect(proxy.connections()[0]?.sent()).toBe('PING a');

    proxy.stall({
      where: (c) => c.sent().includes('PING'),
      newConnections: true,
    });
    a.socket.write('|held');
    const born = await client(proxy.port);
    closing.push(() => born.socket.destroy());
    born.socket.write('born stalled');
    proxy.healNew();
    const fresh = await client(proxy.port);
    closing.push(() => fresh.socket.destroy());
    fresh.socket.write('fresh');
    await fresh.echoed('fresh');
    // The round trip above went through the proxy after both writes: they were held.
    expect(a.received()).toBe('PING a');
    expect(born.received()).toBe('');
    const [first, second] = proxy.connections();
    expect(first).toMatchObject({
      stalled: true,
      closed: false,
      bornStalled: false,
    });
    expect(second).toMatchObject({
      stalled: true,
      closed: false,
      bornStalled: true,
    });

    proxy.heal();
    await a.echoed('PING a|held');
    await born.echoed('born stalled');
  });
});
