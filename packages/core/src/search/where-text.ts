import { InvalidSearchFilterError } from '../errors/invalid-search-filter-error.ts';
import type { SearchField, SearchOp } from './search-where.ts';

/** Written forms, longest first so `>=` is not read as `>`. */
const OPERATORS: readonly [string, SearchOp][] = [
  ['^=', 'prefix'],
  ['>=', 'gte'],
  ['<=', 'lte'],
  ['>', 'gt'],
  ['<', 'lt'],
  ['=', 'eq'],
];

/**
 * One written condition (`data.to=+1415`, `data.amount>=10`,
 * `data.to^=+1415`, `data.at<2026-12-01`) as a `where` entry, its value
 * read as the field's kind. For the CLI and the console's URL.
 */
export function whereFromText(
  fields: readonly SearchField[],
  text: string,
): { path: string; op: SearchOp; value: string | number | boolean | Date } {
  const at = firstOperator(text);
  if (!at)
    throw new InvalidSearchFilterError(
      `"${text}": write path=value (or >=, <=, >, <, ^= for a prefix)`,
    );
  const path = text.slice(0, at.index).trim();
  const raw = text.slice(at.index + at.written.length).trim();
  const field = fields.find((f) => f.path === path);
  if (!field)
    throw new InvalidSearchFilterError(
      `"${path}" is not a searchable field (${fields.map((f) => f.path).join(', ') || 'none'})`,
    );
  return { path, op: at.op, value: valueOf(field, raw) };
}

/** Several written conditions as one `where` object. */
export function whereFromTexts(
  fields: readonly SearchField[],
  texts: readonly string[],
): Record<string, Record<string, unknown>> {
  const where: Record<string, Record<string, unknown>> = {};
  for (const text of texts) {
    const { path, op, value } = whereFromText(fields, text);
    (where[path] ??= {})[op] = value;
  }
  return where;
}

function firstOperator(
  text: string,
): { index: number; written: string; op: SearchOp } | null {
  let best: { index: number; written: string; op: SearchOp } | null = null;
  for (const [written, op] of OPERATORS) {
    const index = text.indexOf(written);
    if (index > 0 && (!best || index < best.index))
      best = { index, written, op };
  }
  return best;
}

function valueOf(
  field: SearchField,
  raw: string,
): string | number | boolean | Date {
  switch (field.kind) {
    case 'number':
      return raw === '' ? Number.NaN : Number(raw);
    case 'boolean':
      if (raw === 'true' || raw === 'false') return raw === 'true';
      throw new InvalidSearchFilterError(`${field.path} takes true or false`);
    case 'date':
      return new Date(raw);
    default:
      return raw;
  }
}
