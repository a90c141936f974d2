import type { AnyRegistry, EnqueueRequest } from '@conveyor/core';
import type { z } from 'zod';

type Parsed =
  | {
      success: true;
      data: { queue: string; request: EnqueueRequest<AnyRegistry['jobs']> };
    }
  | { success: false; message: string };

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
    };
  const request = result.data;
  const job = registry.get(request.name) as { queue: string } | undefined;
  return { success: true, data: { queue: job?.queue ?? '', request } };
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
