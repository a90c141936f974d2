import { api } from './api.ts';
import type { RunView } from './types.ts';
import type { UrlFilter } from './url-filter.ts';

/*
 * `bulk.*` is being added to the API beside this console; until the
 * router has it, the console calls it by these shapes (the issue's).
 */

export const BULK_ACTIONS = ['retry', 'cancel'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

export interface BulkPreview {
  action: BulkAction;
  count: number;
  capped: boolean;
  sample: RunView[];
  listedBy: Date;
}

export interface BulkRun {
  id: string;
  state: string;
  done: number;
  skipped: number;
  failed: number;
  matched: number;
}

interface BulkProcedures {
  preview: {
    query(input: {
      action: BulkAction;
      filter: UrlFilter;
    }): Promise<BulkPreview>;
  };
  start: {
    mutate(input: {
      action: BulkAction;
      filter: UrlFilter;
      listedBy: Date;
    }): Promise<BulkRun>;
  };
  get: { query(input: { id: string }): Promise<BulkRun> };
}

export const bulk = (api as unknown as { bulk: BulkProcedures }).bulk;
