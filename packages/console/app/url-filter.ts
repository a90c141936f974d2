import {
  whereFromTexts,
  type SearchField,
  type SearchOp,
} from '@conveyor/core';
import { STATES } from './types.ts';

/** How the URL writes each operator (what `whereFromText` reads). */
export const OP_TEXT: Record<SearchOp, string> = {
  eq: '=',
  prefix: '^=',
  gte: '>=',
  lte: '<=',
  gt: '>',
  lt: '<',
};

/** Longest first, so `>=` is not read as `>`. */
const BY_LENGTH = (Object.entries(OP_TEXT) as [SearchOp, string][]).sort(
  (a, b) => b[1].length - a[1].length,
);

export interface WhereRow {
  path: string;
  op: SearchOp;
  value: string;
}

export const SINCE: Record<string, number> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  '90d': 90 * 86_400_000,
};

/** A `w=` value of the URL as a form row; null when it names no field. */
export function rowFromText(
  fields: readonly SearchField[],
  text: string,
): WhereRow | null {
  const field = [...fields]
    .sort((a, b) => b.path.length - a.path.length)
    .find((f) => text.startsWith(f.path));
  if (!field) return null;
  const rest = text.slice(field.path.length);
  const found = BY_LENGTH.find(([, written]) => rest.startsWith(written));
  if (!found) return null;
  return {
    path: field.path,
    op: found[0],
    value: rest.slice(found[1].length),
  };
}

export function textFromRow(row: WhereRow): string {
  return `${row.path}${OP_TEXT[row.op]}${row.value}`;
}

/** What `history.search` and the bulk actions take, from the URL. */
export interface UrlFilter {
  name?: string;
  where?: Record<string, Record<string, unknown>>;
  state?: (typeof STATES)[number];
  from?: Date;
  to?: Date;
  text?: string;
}

/**
 * The URL's filter, its conditions read by core's `whereFromTexts` (the
 * same reading as the CLI's); throws core's InvalidSearchFilterError.
 */
export function filterFromUrl(
  params: URLSearchParams,
  fieldsOf: (name: string) => readonly SearchField[],
  now = Date.now(),
): UrlFilter {
  const filter: UrlFilter = {};
  const name = params.get('name');
  if (name) filter.name = name;
  const texts = params.getAll('w').filter((t) => t !== '');
  if (name && texts.length > 0)
    filter.where = whereFromTexts(fieldsOf(name), texts);
  const state = params.get('state');
  const known = STATES.find((s) => s === state);
  if (known) filter.state = known;
  const since = SINCE[params.get('since') ?? ''];
  if (since) filter.from = new Date(now - since);
  const text = params.get('text')?.trim();
  if (text) filter.text = text;
  return filter;
}
