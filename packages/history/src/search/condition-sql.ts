import type { FieldCondition } from '@conveyor/core';
import { sql, type RawBuilder } from 'kysely';

/**
 * One typed condition as SQL over the stored superjson (`{ json, meta }`).
 * Equality is jsonb containment (`payload @> {"json": {…}}`), which the
 * GIN `jsonb_path_ops` indexes answer; ranges and prefixes read the value
 * at its path and run inside the name/time bounds the other indexes give.
 * Dates are compared as superjson stores them: ISO strings, which sort as
 * the instants they name in byte order (`collate "C"`).
 */
export function conditionSql(c: FieldCondition): RawBuilder<boolean> {
  const column = sql.ref(c.source === 'data' ? 'payload' : 'result');
  if (c.op === 'eq') {
    const contained = { json: nest(c.keys, c.value) };
    return sql<boolean>`${column} @> ${JSON.stringify(contained)}::jsonb`;
  }
  const path = `{${['json', ...c.keys].map(quoteKey).join(',')}}`;
  const at = sql`${column} #> ${path}::text[]`;
  if (c.op === 'prefix')
    return sql<boolean>`(case when jsonb_typeof(${at}) = 'string' then starts_with(${column} #>> ${path}::text[], ${c.value}) end)`;
  const operator = sql.raw(RANGE[c.op]);
  if (c.kind === 'number')
    return sql<boolean>`(case when jsonb_typeof(${at}) = 'number' then (${at})::numeric end) ${operator} ${c.value}`;
  return sql<boolean>`(case when jsonb_typeof(${at}) = 'string' then (${column} #>> ${path}::text[]) end) collate "C" ${operator} ${c.value}`;
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

/** A key as an element of a text[] literal: quoted, with `"` and `\` escaped. */
function quoteKey(key: string): string {
  return `"${key.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`;
}
