import type { FieldCondition, SearchKind } from '@conveyor/core';
import { sql, type RawBuilder } from 'kysely';

/**
 * One typed condition as SQL over the stored superjson (`{ json, meta }`).
 * Equality is jsonb containment (`payload @> {"json": {…}}`), which the
 * GIN `jsonb_path_ops` indexes answer; ranges and prefixes read the value
 * at its path (`rangeValueSql`, which a job's `searchIndexes` index) and
 * otherwise run inside the name/time bounds the other indexes give.
 */
export function conditionSql(c: FieldCondition): RawBuilder<boolean> {
  const column = columnOf(c.source);
  if (c.op === 'eq') {
    const contained = { json: nest(c.keys, c.value) };
    return sql<boolean>`${sql.ref(column)} @> ${JSON.stringify(contained)}::jsonb`;
  }
  const path = sql`${pathText(c.keys)}::text[]`;
  if (c.op === 'prefix')
    return sql<boolean>`(case when jsonb_typeof(${sql.ref(column)} #> ${path}) = 'string' then starts_with(${sql.ref(column)} #>> ${path}, ${c.value}) end)`;
  const operator = sql.raw(RANGE[c.op]);
  return sql<boolean>`${rangeValueSql(column, path, c.kind)} ${operator} ${c.value}`;
}

/**
 * The value a range compares: numbers as numeric, dates as superjson stores
 * them (ISO-8601 strings, which sort as the instants they name in byte
 * order, `collate "C"`); anything else at that path is null. A range index
 * must be built on this very expression (`searchIndexStatement`) for the
 * planner to use it.
 */
export function rangeValueSql(
  column: 'payload' | 'result',
  path: RawBuilder<unknown>,
  kind: SearchKind,
): RawBuilder<unknown> {
  const ref = sql.ref(column);
  if (kind === 'number')
    return sql`(case when jsonb_typeof(${ref} #> ${path}) = 'number' then (${ref} #> ${path})::numeric end)`;
  return sql`((case when jsonb_typeof(${ref} #> ${path}) = 'string' then ${ref} #>> ${path} end) collate "C")`;
}

export function columnOf(source: 'data' | 'result'): 'payload' | 'result' {
  return source === 'data' ? 'payload' : 'result';
}

const RANGE: Record<'gt' | 'gte' | 'lt' | 'lte', string> = {
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
};

function nest(keys: readonly string[], value: unknown): unknown {
  return keys.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
}

/** `{"json","key",…}`: a text[] literal, each key quoted with `"` and `\` escaped. */
export function pathText(keys: readonly string[]): string {
  const quote = (key: string) =>
    `"${key.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`;
  return `{${['json', ...keys].map(quote).join(',')}}`;
}
