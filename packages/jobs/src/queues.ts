/**
 * Every queue Conveyor knows. A job names its queue from here, so a typo is a
 * compile error; the worker starts one BullMQ Worker per queue that has jobs.
 * Separate queues keep slow work (digests) from delaying urgent work (SMS).
 */
export const QUEUES = {
  default: 'default',
  sms: 'sms',
  email: 'email',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
