import { ConveyorError } from './conveyor-error.ts';

/**
 * A batch names jobs of several queues while Redis is a Cluster: each queue
 * lives on its own slot, so no single transaction can store them all, and
 * Conveyor does not store half a batch. Nothing was enqueued; send one batch
 * per queue.
 */
export class CrossSlotBatchError extends ConveyorError {
  readonly code = 'CROSS_SLOT_BATCH';
  constructor(readonly queues: readonly string[]) {
    super(
      `A batch across queues (${queues.join(', ')}) cannot be stored atomically on Redis Cluster: send one batch per queue`,
    );
  }
}
