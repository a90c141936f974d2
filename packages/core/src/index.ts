// The contract core: what every caller (a browser app included) may import to
// define and read jobs. Zod and superjson only; the Redis runtime lives in
// @conveyor/queue, the app's own jobs in its catalog package.
export * from './compat/index.ts';
export * from './define-job.ts';
export * from './durability.ts';
export { DEFAULT_JOB_LIMITS, type JobLimits } from './job-limits.ts';
export * from './duration.ts';
export * from './enqueue-options.ts';
export * from './flow.ts';
export * from './envelope.ts';
export * from './errors/index.ts';
export * from './ids.ts';
export * from './job-defaults.ts';
export * from './job-view.ts';
export * from './payload-view.ts';
export * from './queue-name.ts';
export * from './registry.ts';
export * from './schedule.ts';
export * from './schedule-request.ts';
export * from './search/index.ts';
export * from './sensitive/index.ts';
export * from './stored-payload.ts';
export * from './versions.ts';
export * from './webhook.ts';
