import type { AnyRegistry, EnqueueRequest } from '@conveyor/core';
import type { z } from 'zod';

type Parsed =
  | {
      success: true;
      data: { queue: string; request: EnqueueRequest<AnyRegistry['jobs']> };
    }
  | { success: false; message: string; field: string };

/**
 * A job from the board's add-job form, through the contract's enqueue
 * schema. The form is JSON, which has no Date: a string where the contract
 * wants a date (an ISO-8601 string, as the JSON Schema says) is converted
 * at exactly the paths the schema names, then checked once more.
 */
export function parseAddJob(registry: AnyRegistry, input: unknown): Parsed {
  let result = registry.enqueueRequest.safeParse(input);
  if (!result.success) {
    const revived = reviveDates(input, result.error.issues);
    if (revived) result = registry.enqueueRequest.safeParse(revived);
  }
  if (!result.success)
    return {
      success: false,
      message: result.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; '),
      field: result.error.issues[0]?.path.join('.') || 'data',
    };
  const request = result.data;
  const job = registry.get(request.name) as { queue: string } | undefined;
  return { success: true, data: { queue: job?.queue ?? '', request } };
}

/** Bull Board's add-job form sends this when the job name is left empty. */
const BOARD_DEFAULT_NAME = '__default__';

/**
 * The job an add-job form means: the name given, or, left empty, the
 * queue's only job. A queue with several needs one named, and says which.
 */
export function addJobName(
  registry: AnyRegistry,
  queue: string,
  given: unknown,
): { name: unknown } | { message: string } {
  if (given !== BOARD_DEFAULT_NAME && given !== '' && given !== undefined)
    return { name: given };
  const names = registry.names.filter(
    (name) =>
      (registry.get(name) as { queue: string } | undefined)?.queue === queue,
  );
  if (names.length === 1) return { name: names[0] };
  return {
    message: `Name the job: the ${queue} queue runs ${names.join(', ')}`,
  };
}

function reviveDates(input: unknown, issues: readonly z.core.$ZodIssue[]) {
  const copy = structuredClone(input) as Record<PropertyKey, unknown>;
  let changed = false;
  for (const issue of issues) {
    if (issue.code !== 'invalid_type' || issue.expected !== 'date') continue;
    const parent = issue.path
      .slice(0, -1)
      .reduce<unknown>(
        (at, key) => (at as Record<PropertyKey, unknown> | undefined)?.[key],
        copy,
      ) as Record<PropertyKey, unknown> | undefined;
    const key = issue.path.at(-1);
    const value = key === undefined ? undefined : parent?.[key];
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) continue;
    if (parent && key !== undefined) parent[key] = new Date(value);
    changed = true;
  }
  return changed ? copy : null;
}
