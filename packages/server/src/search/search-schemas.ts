import {
  parseWhere,
  searchFields,
  InvalidSearchFilterError,
  type AnyRegistry,
  type SearchField,
} from '@conveyor/core';
import { MAX_HISTORY_LIMIT, type HistorySearchQuery } from '@conveyor/history';
import { z } from 'zod';
import { cursorPage } from '../routers/cursor-page.ts';
import {
  HISTORY_STATES,
  type CheckedShapeFilter,
  type SearchPageInput,
} from './search-filter.ts';

const DAY_MS = 24 * 60 * 60 * 1_000;
/** The widest search: a quarter (and a bit). */
export const MAX_SEARCH_DAYS = 93;
/** Without `from`: the last month. */
export const DEFAULT_SEARCH_DAYS = 30;

/** Each job's searchable fields, from its input and result schemas. */
export function searchFieldsByJob(
  registry: AnyRegistry,
): Map<string, SearchField[]> {
  const byJob = new Map<string, SearchField[]>();
  for (const name of registry.names) {
    const job = registry.get(name);
    if (job)
      byJob.set(name, [
        ...searchFields(job.input, 'data'),
        ...searchFields(job.result, 'result'),
      ]);
  }
  return byJob;
}

/** The filter's fields, for strict objects (search pages, bulk actions). */
export function searchFilterShape(registry: AnyRegistry) {
  return {
    name: (registry.jobName as z.ZodType<string>).optional(),
    // Checked against the named job's fields by `toSearchQuery`.
    where: z
      .record(z.string().max(200), z.record(z.string().max(20), z.unknown()))
      .optional(),
    state: z.enum(HISTORY_STATES).optional(),
    from: z.date().optional(),
    to: z.date().optional(),
    idempotencyKey: z.string().min(1).max(256).optional(),
    text: z.string().trim().min(1).max(200).optional(),
  };
}

/**
 * `history.search`'s input. Checked at run time by shape (and, in
 * `toSearchQuery`, against the job's fields); typed by the registry so a
 * client's `where` names only fields its job has.
 */
export function searchPageSchema<R extends AnyRegistry>(
  registry: R,
): z.ZodType<SearchPageInput<R['jobs']>, SearchPageInput<R['jobs']>> {
  const schema = z.strictObject({
    ...searchFilterShape(registry),
    ...cursorPage(MAX_HISTORY_LIMIT),
  });
  return schema as unknown as z.ZodType<
    SearchPageInput<R['jobs']>,
    SearchPageInput<R['jobs']>
  >;
}

/** A checked filter as the store's query: conditions parsed, the range bounded. */
export function toSearchQuery(
  filter: CheckedShapeFilter,
  fieldsByJob: ReadonlyMap<string, readonly SearchField[]>,
  tenant: string,
  now = new Date(),
): HistorySearchQuery {
  const { name, where, from, to, ...rest } = filter;
  if (where !== undefined && name === undefined)
    throw new InvalidSearchFilterError(
      'A where filter needs the job name whose schema it uses',
    );
  const conditions =
    name === undefined
      ? []
      : parseWhere(name, fieldsByJob.get(name) ?? [], where);
  const end = to ?? now;
  const start = from ?? new Date(end.getTime() - DEFAULT_SEARCH_DAYS * DAY_MS);
  if (start >= end)
    throw new InvalidSearchFilterError('from must be before to');
  if (end.getTime() - start.getTime() > MAX_SEARCH_DAYS * DAY_MS)
    throw new InvalidSearchFilterError(
      `A search may span at most ${MAX_SEARCH_DAYS} days`,
    );
  return {
    ...withoutUndefined(rest),
    ...(name === undefined ? {} : { name }),
    tenant,
    from: start,
    to: end,
    conditions,
  };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as T;
}
