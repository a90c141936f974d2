import { ConveyorError } from './conveyor-error.ts';

/**
 * A webhook URL the server will not call: its host does not resolve, or
 * resolves to a loopback, private, link-local or otherwise internal address
 * (server-side request forgery). Nothing was stored or sent.
 */
export class WebhookUrlRefusedError extends ConveyorError {
  readonly code = 'WEBHOOK_URL_REFUSED';
}
