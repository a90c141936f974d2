import { sql, type RawBuilder } from 'kysely';

/** The PostgreSQL types the history tables' columns are written as. */
export type ColumnKind = 'text' | 'integer' | 'jsonb' | 'timestamptz';

export type Columns<Row> = readonly (readonly [
  keyof Row & string,
  ColumnKind,
])[];

/**
 * `select * from unnest($1::text[], $2::integer[], …) as v(col, …)`: one
 * parameter per column whatever the number of rows, so a batch of
 * thousands is one small statement (no per-value placeholders for the
 * query builder and the driver to walk, nor a 65,535-parameter limit).
 * Dates go as ISO text: pg would render them in the server's local form.
 */
export function unnestRows<Row>(
  columns: Columns<Row>,
  rows: readonly Row[],
): RawBuilder<unknown> {
  const arrays = columns.map(([name, kind]) => {
    const values: unknown[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const value = rows[i]![name] as unknown;
      values[i] = value instanceof Date ? value.toISOString() : (value ?? null);
    }
    return sql`${values}::${sql.raw(kind)}[]`;
  });
  return sql`select * from unnest(${sql.join(arrays)}) as v(${sql.join(
    columns.map(([name]) => sql.ref(name)),
  )})`;
}

/** The column names, for the insert's column list. */
export function columnList<Row>(columns: Columns<Row>): RawBuilder<unknown> {
  return sql.join(columns.map(([name]) => sql.ref(name)));
}
