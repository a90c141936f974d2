import { ConveyorError } from './conveyor-error.ts';

/** The tenant already has as many webhooks as allowed. Nothing was stored. */
export class WebhookLimitError extends ConveyorError {
  readonly code = 'WEBHOOK_LIMIT';
  constructor(readonly max: number) {
    super(`A tenant may have at most ${max} webhooks; remove one first`);
  }
}
