import { Redis } from 'ioredis';
import { slotOwner, type ClusterSlotsEntry } from './slot-owner.ts';
import type { Topology } from './topology.ts';

/**
 * Direct connections to each redis-server of a topology (not through the
 * Cluster client): INFO cpu must come from every node, and a Cluster
 * client would answer from whichever node it picks.
 */
export class NodeProbe {
  private readonly clients: Redis[];

  constructor(private readonly topology: Topology) {
    this.clients = topology.nodes.map((node) => new Redis(node.url));
  }

  /** used_cpu_sys + used_cpu_user of each node, in seconds. */
  cpuSeconds(): Promise<number[]> {
    return Promise.all(
      this.clients.map(async (client) => {
        const info = await client.info('cpu');
        const read = (field: string) =>
          Number(new RegExp(`^${field}:(\\S+)`, 'm').exec(info)?.[1] ?? 0);
        return read('used_cpu_sys') + read('used_cpu_user');
      }),
    );
  }

  /** For each hash tag (a queue's, the tenant's), the index of the node that holds its slot. */
  async owners(tags: readonly string[]): Promise<Map<string, number>> {
    const first = this.clients[0];
    if (!first || this.topology.kind === 'server')
      return new Map(tags.map((tag) => [tag, 0]));
    const slots = (await first.call('CLUSTER', 'SLOTS')) as ClusterSlotsEntry[];
    const ports = this.topology.nodes.map((node) => node.port);
    const owners = new Map<string, number>();
    for (const tag of tags) {
      const slot = Number(await first.call('CLUSTER', 'KEYSLOT', tag));
      owners.set(tag, slotOwner(slots, slot, ports));
    }
    return owners;
  }

  close(): void {
    for (const client of this.clients) client.disconnect();
  }
}
