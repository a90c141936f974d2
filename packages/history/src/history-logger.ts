import type { Logger } from '@conveyor/queue';

/** What history logs through: a pino logger, or anything with these three. */
export type HistoryLogger = Pick<Logger, 'info' | 'warn' | 'error'>;
