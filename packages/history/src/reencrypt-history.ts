import {
  resealText,
  type Keyring,
  type ReencryptReport,
} from '@conveyor/queue';
import { sql, type Kysely } from 'kysely';
import type { HistoryDatabase } from './history-schema.ts';

const BATCH = 500;

/**
 * Seals again, under the current key, every sealed value history keeps
 * (jobs' payloads and results), a batch of rows at a time in id order.
 * A row the drainer rewrites meanwhile keeps the drainer's write.
 */
export async function reencryptHistory(options: {
  db: Kysely<HistoryDatabase>;
  keyring: Keyring;
  jobNames: readonly string[];
}): Promise<ReencryptReport> {
  const report: ReencryptReport = { rewritten: 0, resealed: 0, unopened: 0 };
  let after: RowKey | null = null;
  for (;;) {
    const rows = await sealedRows(options.db, after);
    for (const row of rows) await resealRow(options, row, report);
    const last = rows.at(-1);
    if (!last || rows.length < BATCH) return report;
    after = { tenant: last.tenant, id: last.id };
  }
}

interface RowKey {
  tenant: string;
  id: string;
}
type SealedRow = RowKey & { payload: string | null; result: string | null };

/** The next batch of rows holding a sealed value, after `after` in key order. */
function sealedRows(
  db: Kysely<HistoryDatabase>,
  after: RowKey | null,
): Promise<SealedRow[]> {
  return db
    .selectFrom('history_jobs')
    .select([
      'tenant',
      'id',
      sql<string | null>`payload::text`.as('payload'),
      sql<string | null>`result::text`.as('result'),
    ])
    .where((eb) =>
      eb.or([
        eb(sql`payload::text`, 'like', '%cvs1.%'),
        eb(sql`result::text`, 'like', '%cvs1.%'),
      ]),
    )
    .$if(after !== null, (q) =>
      q.where(sql<boolean>`(tenant, id) > (${after!.tenant}, ${after!.id})`),
    )
    .orderBy('tenant')
    .orderBy('id')
    .limit(BATCH)
    .execute();
}

async function resealRow(
  options: {
    db: Kysely<HistoryDatabase>;
    keyring: Keyring;
    jobNames: readonly string[];
  },
  row: SealedRow,
  report: ReencryptReport,
): Promise<void> {
  const reseal = (text: string | null) =>
    text === null ? null : resealText(options.keyring, options.jobNames, text);
  const payload = reseal(row.payload);
  const result = reseal(row.result);
  for (const part of [payload, result]) {
    report.resealed += part?.resealed ?? 0;
    report.unopened += part?.unopened ?? 0;
  }
  if ((payload?.resealed ?? 0) + (result?.resealed ?? 0) === 0) return;
  const updated = await options.db
    .updateTable('history_jobs')
    .set({
      ...(payload ? { payload: sql`${payload.text}::jsonb` } : {}),
      ...(result ? { result: sql`${result.text}::jsonb` } : {}),
    })
    .where('tenant', '=', row.tenant)
    .where('id', '=', row.id)
    // Unless the drainer rewrote the row meanwhile: its write stands.
    .where(sql<boolean>`payload::text is not distinct from ${row.payload}`)
    .where(sql<boolean>`result::text is not distinct from ${row.result}`)
    .executeTakeFirst();
  report.rewritten += Number(updated.numUpdatedRows);
}
