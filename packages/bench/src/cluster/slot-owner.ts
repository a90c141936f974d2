/** One entry of `CLUSTER SLOTS`: first slot, last slot, then the master (host, port, id) and its replicas. */
export type ClusterSlotsEntry = [
  number,
  number,
  ...[string, number, ...unknown[]][],
];

/**
 * Which of `ports` (a topology's nodes, in order) serves `slot`, by its
 * `CLUSTER SLOTS` reply; -1 when no listed node does.
 */
export function slotOwner(
  slots: readonly ClusterSlotsEntry[],
  slot: number,
  ports: readonly number[],
): number {
  const entry = slots.find(([first, last]) => slot >= first && slot <= last);
  const master = entry?.[2];
  return master ? ports.indexOf(Number(master[1])) : -1;
}
