import type { BulkActionKind, BulkActionState } from '../history-schema.ts';

/** A bulk action as stored: who asked, what, and how far it got. */
export interface BulkActionRecord {
  id: string;
  tenant: string;
  key: string | null;
  actor: string;
  role: string;
  /** The asker's job scope (null: any job), for a resumed run's checks. */
  scope: readonly string[] | null;
  action: BulkActionKind;
  /** The search filter as given (dates stay dates). */
  filter: unknown;
  listedBy: Date;
  previewed: number | null;
  /** More than `previewed` matched (the preview's count stopped at its cap). */
  previewedCapped: boolean;
  matched: number;
  done: number;
  skipped: number;
  failed: number;
  skipReasons: Record<string, number>;
  /** After the last page acted on (null: from the start). */
  cursor: string | null;
  state: BulkActionState;
  /** The lease holder (null once finished or released): writes name it. */
  runner: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  lastError: string | null;
}

/** What `bulk.start` stores before it walks anything. */
export type NewBulkAction = Pick<
  BulkActionRecord,
  | 'id'
  | 'tenant'
  | 'key'
  | 'actor'
  | 'role'
  | 'scope'
  | 'action'
  | 'filter'
  | 'listedBy'
  | 'previewed'
  | 'previewedCapped'
  | 'createdAt'
>;

/** One page's counts, added to the totals with the page's cursor. */
export interface BulkActionProgress {
  matched: number;
  done: number;
  skipped: number;
  failed: number;
  /** The totals so far (not the page's): replaced, not added. */
  skipReasons: Record<string, number>;
  cursor: string | null;
  /** A job's failure on this page (the last), kept as the action's last error. */
  lastError?: string | null;
}

export interface BulkActionListQuery {
  tenant: string;
  limit: number;
  cursor?: string | undefined;
}
