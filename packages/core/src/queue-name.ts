/**
 * A queue's name. The app names its queues (a `QUEUES` constant keeps typos out
 * of its contracts); the framework takes any name the registry accepted at load.
 * Separate queues keep slow work from delaying urgent work: each has its own
 * concurrency in the worker.
 */
export type QueueName = string;
