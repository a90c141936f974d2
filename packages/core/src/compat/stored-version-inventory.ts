/**
 * Where a stored payload sits: a job's BullMQ state (`failed` holds the
 * dead letters), a flow-control lane (`held`), a schedule's template
 * (`schedule`: fired with this data on every tick), or, in history only,
 * a cancelled job (`cancelled`).
 */
export type StoredPlace =
  | 'waiting'
  | 'active'
  | 'delayed'
  | 'completed'
  | 'failed'
  | 'held'
  | 'schedule'
  | 'cancelled';

export const STORED_PLACES = [
  'waiting',
  'active',
  'delayed',
  'completed',
  'failed',
  'held',
  'schedule',
  'cancelled',
] as const satisfies readonly StoredPlace[];

/**
 * Stored jobs of one name, input version and place, with a few of their
 * stored envelopes: what a new contract must still read. `version` is null
 * for data that is no envelope at all.
 */
export interface StoredVersionGroup {
  source: 'redis' | 'history';
  queue: string;
  job: string;
  version: number | null;
  place: StoredPlace;
  count: number;
  /** Up to a few stored `data` envelopes, as stored (JSON). */
  samples: unknown[];
  /** Completed jobs only: up to a few stored result envelopes (JSON). */
  resultSamples: unknown[];
}

/** Every stored payload version an installation holds, grouped. */
export interface StoredVersionInventory {
  groups: StoredVersionGroup[];
  /** Whether PostgreSQL history was read too (it is off, or not asked, otherwise). */
  history: boolean;
}
