import { InvalidSearchFilterError } from '../errors/invalid-search-filter-error.ts';
import {
  SEARCH_OPS,
  type FieldCondition,
  type SearchField,
  type SearchOp,
} from './search-where.ts';

/** Conditions one search may carry. */
export const MAX_SEARCH_CONDITIONS = 10;
const MAX_TEXT = 500;

/**
 * Checks a `where` (`{ 'data.to': { eq: '+1415…' } }`) against the fields
 * the job offers (`searchFields`) and returns its conditions; anything
 * else is an `InvalidSearchFilterError` naming the job and the path.
 */
export function parseWhere(
  jobName: string,
  fields: readonly SearchField[],
  where: unknown,
): FieldCondition[] {
  if (where === undefined) return [];
  if (!isPlainObject(where))
    throw refuse('where must be an object of field paths');
  const byPath = new Map(fields.map((f) => [f.path, f]));
  const conditions: FieldCondition[] = [];
  for (const [path, condition] of Object.entries(where)) {
    const field = byPath.get(path);
    if (!field)
      throw refuse(`"${path}" is not a searchable field of ${jobName}`);
    if (!isPlainObject(condition))
      throw refuse(`${path}: give operators, e.g. { eq: … }`);
    for (const [op, value] of Object.entries(condition))
      conditions.push(conditionOf(field, op, value));
  }
  if (conditions.length > MAX_SEARCH_CONDITIONS)
    throw refuse(`At most ${MAX_SEARCH_CONDITIONS} conditions per search`);
  return conditions;
}

function conditionOf(
  field: SearchField,
  op: string,
  value: unknown,
): FieldCondition {
  const allowed = SEARCH_OPS[field.kind];
  if (!allowed.includes(op as SearchOp))
    throw refuse(
      `${field.path} is a ${field.kind} field: it takes ${allowed.join(', ')}`,
    );
  const [source, ...keys] = field.path.split('.') as [
    'data' | 'result',
    ...string[],
  ];
  return {
    source,
    keys,
    kind: field.kind,
    op: op as SearchOp,
    value: checkedValue(field, value),
  };
}

function checkedValue(
  field: SearchField,
  value: unknown,
): string | number | boolean {
  const { kind, path } = field;
  if (kind === 'date') {
    if (value instanceof Date && !Number.isNaN(value.getTime()))
      return value.toISOString();
    throw refuse(`${path} takes a date`);
  }
  if (kind === 'number') {
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    throw refuse(`${path} takes a finite number`);
  }
  if (kind === 'boolean') {
    if (typeof value === 'boolean') return value;
    throw refuse(`${path} takes true or false`);
  }
  if (typeof value !== 'string' || value.length > MAX_TEXT)
    throw refuse(`${path} takes a string of at most ${MAX_TEXT} characters`);
  if (kind === 'enum' && !field.values?.includes(value))
    throw refuse(`${path} is one of ${(field.values ?? []).join(', ')}`);
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}

function refuse(message: string): InvalidSearchFilterError {
  return new InvalidSearchFilterError(message);
}
