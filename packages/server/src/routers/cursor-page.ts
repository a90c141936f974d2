import { z } from 'zod';

/**
 * The paging fields of every cursor list (`jobs.list`, `deadLetters.list`,
 * `history.list`): spread into the list's strict input. tRPC's infinite
 * queries (`useInfiniteQuery`, `infiniteQueryOptions`) add `direction` to
 * every page's input; lists page forward only (`nextCursor`), so
 * `'backward'` is refused in the API's words rather than ignored.
 */
export function cursorPage(maxLimit: number) {
  return {
    limit: z.number().int().min(1).max(maxLimit).default(20),
    cursor: z.string().min(1).max(500).optional(),
    direction: z
      .enum(['forward', 'backward'])
      .optional()
      .refine((direction) => direction !== 'backward', {
        message:
          'Lists page forward only: pass nextCursor back as cursor (no previous page)',
      }),
  };
}
