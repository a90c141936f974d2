import type { BulkActionRecord } from '@conveyor/history';

/** What a reused key must ask for again: the action, the filter (range resolved) and `listedBy`. */
export interface BulkRequest {
  action: string;
  filter: unknown;
  listedBy: Date;
}

/** Key order and dropped `undefined`s aside (the filter went through jsonb), the same value. */
function canonical(value: unknown): unknown {
  if (value instanceof Date) return { date: value.toISOString() };
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  return value;
}

/** Whether a stored action is the one `request` asks for (a retried start), not another under the same key. */
export function isSameBulkRequest(
  record: BulkActionRecord,
  request: BulkRequest,
): boolean {
  return (
    record.action === request.action &&
    record.listedBy.getTime() === request.listedBy.getTime() &&
    JSON.stringify(canonical(record.filter)) ===
      JSON.stringify(canonical(request.filter))
  );
}
