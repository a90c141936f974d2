/**
 * Every queue this app uses. A job names its queue from here, so a typo is a
 * compile error; the worker starts one BullMQ Worker per queue that has jobs.
 * Separate queues keep slow work (digests) from delaying urgent work (SMS):
 * each has its own concurrency, so minutes-long generations and feed fetches
 * waiting on slow servers never hold the slots short jobs need.
 */
export const QUEUES = {
  default: 'default',
  sms: 'sms',
  email: 'email',
  feeds: 'feeds',
  generation: 'generation',
} as const;

export type AppQueueName = (typeof QUEUES)[keyof typeof QUEUES];
