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
  const { db, keyring, jobNames } = options;
  const report: ReencryptReport = { rewritten: 0, resealed: 0, unopened: 0 };
  let after: { tenant: string; id: string } | null = null;
  for (;;) {
    const rows: {
      tenant: string;
      id: string;
      payload: string | null;
      result: string | null;
    }[] = await db
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
    for (const row of rows) {
      const payload =
        row.payload === null
          ? null
          : resealText(keyring, jobNames, row.payload);
      const result =
        row.result === null ? null : resealText(keyring, jobNames, row.result);
      for (const part of [payload, result]) {
        report.resealed += part?.resealed ?? 0;
        report.unopened += part?.unopened ?? 0;
      }
      if ((payload?.resealed ?? 0) + (result?.resealed ?? 0) === 0) continue;
      const updated = await db
        .updateTable('history_jobs')
        .set({
          ...(payload ? { payload: sql`${payload.text}::jsonb` } : {}),
          ...(result ? { result: sql`${result.text}::jsonb` } : {}),
        })
        .where('tenant', '=', row.tenant)
        .where('id', '=', row.id)
        .where(sql<boolean>`payload::text is not distinct from ${row.payload}`)
        .where(sql<boolean>`result::text is not distinct from ${row.result}`)
        .executeTakeFirst();
      report.rewritten += Number(updated.numUpdatedRows);
    }
    const last = rows.at(-1);
    if (!last || rows.length < BATCH) return report;
    after = { tenant: last.tenant, id: last.id };
  }
}
