import type { ConveyorRouterInputs } from '@conveyor/server';
import { api } from './api.ts';
import type { UrlFilter } from './url-filter.ts';

type PreviewInput = ConveyorRouterInputs['bulk']['preview'];
export type BulkAction = PreviewInput['action'];

/** The API's bulk actions (a type from the server keeps this list honest). */
export const BULK_ACTIONS = [
  'retry',
  'redrive',
  'cancel',
  'delete',
] as const satisfies readonly BulkAction[];

/** The URL's filter is checked by the API against the job's fields, as `history.search` checks it. */
export function previewBulk(action: BulkAction, filter: UrlFilter) {
  return api.bulk.preview.query({ action, filter } as PreviewInput);
}

export function startBulk(
  action: BulkAction,
  filter: UrlFilter,
  listedBy: Date,
) {
  type StartInput = ConveyorRouterInputs['bulk']['start'];
  return api.bulk.start.mutate({ action, filter, listedBy } as StartInput);
}

export function getBulk(id: string) {
  return api.bulk.get.query({ id });
}
