// Webhooks: a job observer that enqueues deliveries, the delivery
// worker that signs and sends them (SSRF-guarded), and their stores.
export {
  createDeliveryWorker,
  type DeliveryWorker,
  type DeliveryWorkerOptions,
} from './delivery-worker.ts';
export {
  DeliveryLog,
  toDeliveryView,
  type DeliveryRecord,
} from './delivery-log.ts';
export { DeliveryQueue } from './delivery-queue.ts';
export {
  DELIVERY_HEADER,
  deliveryHeaders,
  EVENT_HEADER,
  SIGNATURE_HEADER,
  signStandardWebhook,
  signWebhook,
  STANDARD_ID_HEADER,
  STANDARD_SIGNATURE_HEADER,
  STANDARD_TIMESTAMP_HEADER,
  type SignedDelivery,
  type StandardMessage,
} from './sign.ts';
export {
  assertPublicUrl,
  isInternalAddress,
  type AddressPolicy,
} from './ssrf-guard.ts';
export {
  createWebhookDispatcher,
  type WebhookDispatcher,
  type WebhookDispatcherOptions,
} from './webhook-dispatcher.ts';
export { DEFAULT_WEBHOOK_REFRESH_MS } from './webhook-directory.ts';
export {
  DELIVERY_ATTEMPTS,
  DELIVERY_BACKOFF_MS,
  WEBHOOK_QUEUE,
  type DeliveryJobData,
  type DeliveryRetryPolicy,
} from './webhook-queue.ts';
export { newWebhookSecret, standardWebhookKey } from './webhook-secret.ts';
export {
  toView as toWebhookView,
  WebhookStore,
  type WebhookRecord,
} from './webhook-store.ts';
