import type {
  ConveyorRouterInputs,
  ConveyorRouterOutputs,
} from '@conveyor/server';
import { api } from './api.ts';
import type { UrlFilter } from './url-filter.ts';

type PreviewInput = ConveyorRouterInputs['bulk']['preview'];
type StartInput = ConveyorRouterInputs['bulk']['start'];
export type BulkPreview = ConveyorRouterOutputs['bulk']['preview'];
export type BulkRun = ConveyorRouterOutputs['bulk']['get'];
export type BulkAction = PreviewInput['action'];

/** The API's bulk actions (a type from the server keeps this list honest). */
export const BULK_ACTIONS = [
  'retry',
  'redrive',
  'cancel',
  'delete',
] as const satisfies readonly BulkAction[];

/** The URL's filter is checked by the API against the job's fields, as `history.search` checks it. */
export function previewBulk(
  action: BulkAction,
  filter: UrlFilter,
): Promise<BulkPreview> {
  return api.bulk.preview.query({ action, filter } as PreviewInput);
}

export function startBulk(
  action: BulkAction,
  filter: UrlFilter,
  listedBy: Date,
): Promise<BulkRun> {
  return api.bulk.start.mutate({ action, filter, listedBy } as StartInput);
}

export function getBulk(id: string): Promise<BulkRun> {
  return api.bulk.get.query({ id });
}
