import { createConnection, createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  connectionsOf,
  countConnections,
  parseProcNetTcp,
  socketInodes,
} from './proc-sockets.ts';

const SAMPLE = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1 0000000000000000 100 0 0 10 0
   1: 0100007F:D431 0100007F:18EB 01 00000000:00000000 00:00000000 00000000     0        0 1002 1 0000000000000000 20 4 30 10 -1
   2: 0100007F:D432 0100007F:18EB 06 00000000:00000000 03:00000F9C 00000000     0        0 0 3 0000000000000000
   3: 0100007F:D433 0100007F:18EB 01 00000000:00000000 00:00000000 00000000     0        0 1003 1 0000000000000000 20 4 30 10 -1
`;

describe('parseProcNetTcp', () => {
  it('reads ports (hex), state and inode of each row, skipping the header', () => {
    const rows = parseProcNetTcp(SAMPLE);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toEqual({
      localPort: 8080,
      remotePort: 0,
      state: '0A',
      inode: 1001,
    });
    expect(rows[1]).toEqual({
      localPort: 54321,
      remotePort: 6379,
      state: '01',
      inode: 1002,
    });
  });
});

describe('countConnections', () => {
  it('counts established connections to the port from the given sockets only', () => {
    const rows = parseProcNetTcp(SAMPLE);
    // 1002 and 1003 are established to 6379; the TIME_WAIT row and another process's socket are not ours.
    expect(countConnections(rows, new Set([1002, 1003, 1001]), 6379)).toBe(2);
    expect(countConnections(rows, new Set([1002]), 6379)).toBe(1);
    expect(countConnections(rows, new Set([1002, 1003]), 6380)).toBe(0);
  });

  it('takes socket inodes from fd links, ignoring files and pipes', () => {
    expect(
      socketInodes([
        'socket:[1002]',
        '/dev/null',
        'pipe:[77]',
        'socket:[1003]',
      ]),
    ).toEqual(new Set([1002, 1003]));
  });
});

describe('connectionsOf', () => {
  it('sees this process open and close real connections', async () => {
    const server = createServer();
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );
    const { port } = server.address() as { port: number };
    const before = connectionsOf(process.pid, port);
    const sockets: Socket[] = await Promise.all(
      [1, 2, 3].map(
        () =>
          new Promise<Socket>((resolve) => {
            const socket = createConnection(port, '127.0.0.1', () =>
              resolve(socket),
            );
          }),
      ),
    );
    expect(connectionsOf(process.pid, port)).toBe(before + 3);
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(connectionsOf(process.pid, port)).toBe(before);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
