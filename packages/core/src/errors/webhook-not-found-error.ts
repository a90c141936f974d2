import { ConveyorError } from './conveyor-error.ts';

/**
 * No such webhook, or delivery, for this tenant. Another tenant's is "not
 * found" too: its existence is not revealed.
 */
export class WebhookNotFoundError extends ConveyorError {
  readonly code = 'WEBHOOK_NOT_FOUND';
  constructor(
    readonly kind: 'webhook' | 'delivery',
    readonly id: string,
  ) {
    super(`No ${kind} with id "${id}"`);
  }
}
