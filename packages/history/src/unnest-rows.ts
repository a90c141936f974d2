import { sql, type RawBuilder } from 'kysely';
import { isoTime } from './iso-time.ts';

/** The PostgreSQL types the history tables' columns are written as. */
export type ColumnKind = 'text' | 'integer' | 'jsonb' | 'timestamptz';

export type Columns<Row> = readonly (readonly [
  keyof Row & string,
  ColumnKind,
])[];

/** What JSON escapes otherwise than an array element is escaped: control characters, surrogates. */
// eslint-disable-next-line no-control-regex -- control characters are the point
const JSON_ESCAPES_OTHERWISE = /[\u0000-\u001f\ud800-\udfff]/;

/**
 * A quoted array element, as pg's own array serialiser writes a string:
 * `"` and `\` escaped by a backslash. Without control characters or
 * surrogates, that is exactly the string's JSON form, which V8 writes in
 * one native step.
 */
const quote = (text: string) =>
  JSON_ESCAPES_OTHERWISE.test(text)
    ? `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
    : JSON.stringify(text);

/**
 * One column as a PostgreSQL array literal (`{"a","b",NULL}`), built here
 * in one pass rather than by pg's serialiser, which concatenates element by
 * element and runs two regular expressions over each. Numbers go bare (the
 * value PostgreSQL reads is the same), dates as ISO text: pg would render
 * them in the server's local form.
 */
export function arrayLiteral<Row>(
  rows: readonly Row[],
  name: keyof Row & string,
): string {
  const parts: string[] = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const value = rows[i]![name] as unknown;
    parts[i] =
      value === null || value === undefined
        ? 'NULL'
        : typeof value === 'number'
          ? String(value)
          : value instanceof Date
            ? `"${isoTime(value.getTime())}"`
            : typeof value === 'string'
              ? quote(value)
              : quote(JSON.stringify(value));
  }
  return `{${parts.join(',')}}`;
}

/**
 * `select * from unnest($1::text[], $2::integer[], …) as v(col, …)`: one
 * parameter per column whatever the number of rows, so a batch of
 * thousands is one small statement (no per-value placeholders for the
 * query builder and the driver to walk, nor a 65,535-parameter limit).
 */
export function unnestRows<Row>(
  columns: Columns<Row>,
  rows: readonly Row[],
): RawBuilder<unknown> {
  const arrays = columns.map(
    ([name, kind]) => sql`${arrayLiteral(rows, name)}::${sql.raw(kind)}[]`,
  );
  return sql`select * from unnest(${sql.join(arrays)}) as v(${sql.join(
    columns.map(([name]) => sql.ref(name)),
  )})`;
}

/** The column names, for the insert's column list. */
export function columnList<Row>(columns: Columns<Row>): RawBuilder<unknown> {
  return sql.join(columns.map(([name]) => sql.ref(name)));
}
