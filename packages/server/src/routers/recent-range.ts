import { z } from 'zod';

const DAY_MS = 24 * 60 * 60 * 1_000;

/**
 * A read over a range of enqueue times (`stats`, `failures`): `from` and
 * `to` optional, default the last `defaultDays` ending now, at most
 * `maxDays` wide, `from` before `to`; beside the read's own fields.
 */
export function recentRange<S extends z.ZodRawShape>(
  shape: S,
  maxDays: number,
  defaultDays = 7,
) {
  return z
    .strictObject({
      ...shape,
      from: z.date().optional(),
      to: z.date().optional(),
    })
    .default({} as never)
    .transform((value) => {
      const { from, to, ...rest } = value as z.output<z.ZodObject<S>> & {
        from?: Date;
        to?: Date;
      };
      const end = to ?? new Date();
      const start = from ?? new Date(end.getTime() - defaultDays * DAY_MS);
      return { ...withoutUndefined(rest), from: start, to: end };
    })
    .refine((r) => r.from < r.to, {
      message: 'from must be before to',
      path: ['from'],
    })
    .refine((r) => r.to.getTime() - r.from.getTime() <= maxDays * DAY_MS, {
      message: `The range may span at most ${maxDays} days`,
      path: ['to'],
    });
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as T;
}
