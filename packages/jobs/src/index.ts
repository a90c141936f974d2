export * from './catalog/index.ts';
export * from './define-job.ts';
export * from './defaults.ts';
export * from './envelope.ts';
export * from './errors.ts';
export * from './producer.ts';
export * from './queues.ts';
export * from './registry.ts';
