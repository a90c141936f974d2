import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** One row of `/proc/net/tcp`: a TCP socket of the network namespace. */
export interface TcpSocketRow {
  localPort: number;
  remotePort: number;
  /** Hex state code: `01` is ESTABLISHED, `0A` LISTEN. */
  state: string;
  inode: number;
}

/** Parses `/proc/<pid>/net/tcp` (or `tcp6`): addresses are `hexip:hexport`. */
export function parseProcNetTcp(text: string): TcpSocketRow[] {
  const rows: TcpSocketRow[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const [, local, remote, state] = fields;
    const inode = fields[9];
    if (!local || !remote || !state || !inode) continue;
    rows.push({
      localPort: parseInt(local.split(':')[1] ?? '', 16),
      remotePort: parseInt(remote.split(':')[1] ?? '', 16),
      state,
      inode: Number(inode),
    });
  }
  return rows;
}

/** The inodes of a process's open sockets, from its `fd` links (`socket:[123]`). */
export function socketInodes(links: readonly string[]): Set<number> {
  const inodes = new Set<number>();
  for (const link of links) {
    const match = /^socket:\[(\d+)\]$/.exec(link);
    if (match) inodes.add(Number(match[1]));
  }
  return inodes;
}

/** Established connections from the sockets in `inodes` to `remotePort`. */
export function countConnections(
  rows: readonly TcpSocketRow[],
  inodes: ReadonlySet<number>,
  remotePort: number,
): number {
  return rows.filter(
    (row) =>
      row.state === '01' &&
      row.remotePort === remotePort &&
      inodes.has(row.inode),
  ).length;
}

/**
 * How many TCP connections process `pid` holds to `remotePort` right now,
 * told apart by socket inode: a Redis server sees every client, only
 * `/proc` says which process each one belongs to. Linux only.
 */
export function connectionsOf(pid: number, remotePort: number): number {
  const links = readdirSync(`/proc/${pid}/fd`).map((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      return ''; // closed while we looked
    }
  });
  const rows = ['tcp', 'tcp6'].flatMap((file) =>
    parseProcNetTcp(readFileSync(`/proc/${pid}/net/${file}`, 'utf8')),
  );
  return countConnections(rows, socketInodes(links), remotePort);
}
