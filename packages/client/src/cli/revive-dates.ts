/** ISO-8601 date or date-time, as a person types one in JSON. */
const ISO_DATE =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

interface Issue {
  path: (string | number)[];
  code: string;
  expected?: string | undefined;
}

/** Zod 4's issue for a string where a Date belongs. */
const expectsDate = (issue: Issue) =>
  issue.code === 'invalid_type' && issue.expected === 'date';

/**
 * JSON has no Date and the CLI has no schemas. Where the API says a Date was
 * expected and the request holds an ISO string, this converts exactly those
 * places, in a copy; null when there is nothing it can fix.
 */
export function reviveDates<T>(request: T, issues: readonly Issue[]): T | null {
  const copy = structuredClone(request);
  let changed = false;
  for (const issue of issues) {
    const { path } = issue;
    const last = path.at(-1);
    if (!expectsDate(issue) || last === undefined) continue;
    let holder: unknown = copy;
    for (const key of path.slice(0, -1)) {
      holder = isRecord(holder) ? holder[key] : undefined;
    }
    if (!isRecord(holder)) continue;
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

function isRecord(value: unknown): value is Record<string | number, unknown> {
  return typeof value === 'object' && value !== null;
}
