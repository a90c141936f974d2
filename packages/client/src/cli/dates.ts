/** ISO-8601 date or date-time, as a person types it in JSON. */
const ISO_DATE =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

interface Issue {
  path: (string | number)[];
  message: string;
}

/**
 * JSON has no Date, and the CLI has no schemas. When the API says a Date
 * was expected where the input holds an ISO string, this converts exactly
 * those places; returns null when there is nothing it can fix.
 */
export function reviveDates(input: unknown, issues: readonly Issue[]): unknown {
  const paths = issues
    .filter((issue) => /expected date/i.test(issue.message))
    .map((issue) => issue.path);
  if (paths.length === 0) return null;
  const copy: unknown = structuredClone(input);
  let changed = false;
  for (const path of paths) {
    let parent: unknown = copy;
    for (const key of path.slice(0, -1)) {
      parent = (parent as Record<string | number, unknown> | undefined)?.[key];
    }
    const last = path[path.length - 1];
    if (last === undefined || typeof parent !== 'object' || parent === null)
      continue;
    const holder = parent as Record<string | number, unknown>;
    const value = holder[last];
    if (
      typeof value === 'string' &&
      ISO_DATE.test(value) &&
      !Number.isNaN(Date.parse(value))
    ) {
      holder[last] = new Date(value);
      changed = true;
    }
  }
  return changed ? copy : null;
}
