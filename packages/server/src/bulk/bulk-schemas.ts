import type { AnyRegistry } from '@conveyor/core';
import { z } from 'zod';
import { searchFilterShape } from '../search/search-schemas.ts';
import {
  BULK_ACTIONS,
  type BulkPreviewInput,
  type BulkStartInput,
} from './bulk-action.ts';

/** The most actions `bulk.list` answers in one page. */
export const MAX_BULK_LIST_LIMIT = 100;

/**
 * `bulk.preview`'s and `bulk.start`'s inputs: checked at run time by shape
 * (the filter's `where` against its job's fields when converted), typed by
 * the registry as `history.search`'s filter is.
 */
export function bulkSchemas<R extends AnyRegistry>(registry: R) {
  const filter = z.strictObject(searchFilterShape(registry));
  const action = z.enum(BULK_ACTIONS);
  const preview = z.strictObject({ action, filter });
  const start = preview.extend({
    listedBy: z.date(),
    key: z.string().min(1).max(200).optional(),
  });
  return {
    preview: preview as unknown as z.ZodType<
      BulkPreviewInput<R['jobs']>,
      BulkPreviewInput<R['jobs']>
    >,
    start: start as unknown as z.ZodType<
      BulkStartInput<R['jobs']>,
      BulkStartInput<R['jobs']>
    >,
  };
}
