import type { z } from 'zod';
import { searchFields } from './search-fields.ts';
import type { SearchField, WhereFor } from './search-where.ts';

/** The fields of a job a range can be asked of (numbers and dates): what `searchIndexes` may name. */
export type RangeIndexPath<TInput, TResult> = {
  [K in keyof WhereFor<TInput, TResult>]-?: 'gt' extends keyof NonNullable<
    WhereFor<TInput, TResult>[K]
  >
    ? K
    : never;
}[keyof WhereFor<TInput, TResult>];

/**
 * The fields a job asks history to index for ranges, checked at load:
 * each must be a number or date field of its input or result. Equality on
 * any field is indexed already (GIN); a range on a field not listed runs
 * inside the job's name and time bounds without an index of its own.
 */
export function checkSearchIndexes(
  jobName: string,
  schemas: { input: z.ZodType; result: z.ZodType },
  paths: readonly string[] | undefined,
): readonly SearchField[] {
  if (!paths?.length) return Object.freeze([]);
  const fields = [
    ...searchFields(schemas.input, 'data'),
    ...searchFields(schemas.result, 'result'),
  ];
  const chosen = [...new Set(paths)].map((path) => {
    const field = fields.find((f) => f.path === path);
    if (!field || (field.kind !== 'number' && field.kind !== 'date'))
      throw new Error(
        `Job "${jobName}": searchIndexes: ${path} is not a number or date field of its input or result`,
      );
    return Object.freeze(field);
  });
  return Object.freeze(chosen);
}
