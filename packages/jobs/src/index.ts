// The contract: what every caller (a browser app included) may import. Zod
// and superjson only; the Redis runtime lives in @conveyor/queue.
export * from './catalog/index.ts';
export * from './define-job.ts';
export * from './duration.ts';
export * from './enqueue-options.ts';
export * from './envelope.ts';
export * from './errors/index.ts';
export * from './ids.ts';
export * from './job-defaults.ts';
export * from './job-view.ts';
export * from './queues.ts';
export * from './registry.ts';
export * from './schedule.ts';
export * from './schedule-request.ts';
export * from './webhook.ts';
