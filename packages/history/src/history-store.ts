import type { Keyring } from '@conveyor/queue';
import { reencryptHistory } from './reencrypt-history.ts';
import type { StoredVersionGroup } from '@conveyor/core';
import { sql, type Kysely, type Selectable } from 'kysely';
import superjson, { type SuperJSONResult } from 'superjson';
import { BulkActionStore } from './bulk/bulk-action-store.ts';
import {
  decodeCursor,
  encodeCursor,
  InvalidCursorError,
} from './history-cursor.ts';
import type {
  HistoryDatabase,
  HistoryJobsTable,
  HistoryState,
} from './history-schema.ts';
import type {
  HistoryJobDetail,
  HistoryJobView,
  HistoryPage,
  HistoryStatsQuery,
  HistoryStatsRow,
} from './history-view.ts';
import {
  failureReasons,
  type FailureReason,
  type FailureReasonsQuery,
} from './failure-reasons.ts';
import { filteredJobs } from './search/filtered-jobs.ts';
import {
  DEFAULT_SEARCH_LIMITS,
  type HistoryCount,
  type HistorySearchLimits,
  type HistorySearchQuery,
} from './search/history-search-query.ts';
import { withStatementTimeout } from './search/with-statement-timeout.ts';
import { readHistoryVersions } from './stored-versions.ts';

export const MAX_HISTORY_LIMIT = 200;

function decodeJson(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  try {
    return superjson.deserialize(value as SuperJSONResult);
  } catch {
    return value;
  }
}

function toView(row: Selectable<HistoryJobsTable>): HistoryJobView {
  return {
    id: row.id,
    tenant: row.tenant,
    name: row.name,
    queue: row.queue,
    state: row.state,
    run: row.run,
    data: decodeJson(row.payload),
    result: decodeJson(row.result),
    lastError: row.last_error,
    attempts: row.attempts,
    idempotencyKey: row.idempotency_key,
    enqueuedBy: row.enqueued_by,
    ...(row.enqueued_via === null ? {} : { enqueuedVia: row.enqueued_via }),
    ...(row.enqueued_delay_ms === null
      ? {}
      : { enqueuedDelayMs: row.enqueued_delay_ms }),
    enqueuedAt: row.enqueued_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
    updatedAt: row.updated_at,
    // Recorded by enqueues since versions were; older rows leave it to the reader.
    ...(row.payload_version === null
      ? {}
      : { storedVersion: row.payload_version }),
  };
}

/**
 * Reads of job history. Every query names its tenant in SQL: no read can
 * reach another tenant's rows, whatever id it is given.
 */
export class HistoryStore {
  private readonly limits: HistorySearchLimits;
  /** Bulk actions' records, and their deletes of job rows. */
  readonly bulkActions: BulkActionStore;

  constructor(
    private readonly db: Kysely<HistoryDatabase>,
    limits: Partial<HistorySearchLimits> = {},
  ) {
    this.limits = { ...DEFAULT_SEARCH_LIMITS, ...limits };
    this.bulkActions = new BulkActionStore(db);
  }

  /**
   * Newest first (by enqueue), keyset-paged: rows added meanwhile never
   * shift a page. Typed conditions (`search`) and the list's own filters
   * alike, under the search statement timeout.
   */
  async list(query: HistorySearchQuery): Promise<HistoryPage> {
    const limit = Math.min(Math.max(1, query.limit ?? 50), MAX_HISTORY_LIMIT);
    const cursor =
      query.cursor === undefined ? null : decodeCursor(query.cursor);
    if (query.cursor !== undefined && !cursor) throw new InvalidCursorError();
    const { statementTimeoutMs } = this.limits;
    const rows = await withStatementTimeout(
      this.db,
      statementTimeoutMs,
      (trx) => {
        let q = filteredJobs(trx, query).selectAll();
        if (cursor)
          q = q.where(
            sql<boolean>`(sort_at, id) < (${cursor.at}, ${cursor.id})`,
          );
        return q
          .orderBy('sort_at', 'desc')
          .orderBy('id', 'desc')
          .limit(limit + 1)
          .execute();
      },
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toView),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({ at: last.sort_at, id: last.id })
          : null,
    };
  }

  /** How many jobs a search matches, up to the count cap. */
  async count(query: HistorySearchQuery): Promise<HistoryCount> {
    const { statementTimeoutMs, countCap } = this.limits;
    const counted = await withStatementTimeout(
      this.db,
      statementTimeoutMs,
      (trx) =>
        trx
          .selectFrom(
            filteredJobs(trx, query)
              .select('id')
              .limit(countCap + 1)
              .as('matched'),
          )
          .select((eb) => eb.fn.countAll<string>().as('count'))
          .executeTakeFirstOrThrow(),
    );
    const count = Number(counted.count);
    return { count: Math.min(count, countCap), capped: count > countCap };
  }

  /** A job and its attempts, or null (unknown, trimmed, or another tenant's). */
  async get(id: string, tenant: string): Promise<HistoryJobDetail | null> {
    const row = await this.db
      .selectFrom('history_jobs')
      .selectAll()
      .where('tenant', '=', tenant)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return null;
    const attempts = await this.db
      .selectFrom('history_attempts')
      .selectAll()
      .where('tenant', '=', tenant)
      .where('job_id', '=', id)
      .orderBy('run')
      .orderBy('attempt')
      .execute();
    return {
      job: toView(row),
      attempts: attempts.map((a) => ({
        run: a.run,
        attempt: a.attempt,
        startedAt: a.started_at,
        endedAt: a.ended_at,
        outcome: a.outcome,
        error: a.error,
        ...(a.stack === null ? {} : { stack: a.stack }),
        worker: a.worker,
      })),
    };
  }

  /** Counts by state and duration percentiles, per job name and UTC day of enqueue. */
  async stats(query: HistoryStatsQuery): Promise<HistoryStatsRow[]> {
    const { rows } = await sql<{
      day: Date;
      name: string;
      state: HistoryState;
      count: number;
    }>`
      select date_trunc('day', sort_at, 'UTC') as day, name, state, count(*)::int as count
      from history_jobs
      where tenant = ${query.tenant} and sort_at >= ${query.from} and sort_at < ${query.to}
      group by 1, 2, 3`.execute(this.db);
    const durations = await sql<{
      day: Date;
      name: string;
      p50: number;
      p95: number;
      p99: number;
    }>`
      select date_trunc('day', sort_at, 'UTC') as day, name,
        percentile_cont(0.5) within group (order by duration_ms) as p50,
        percentile_cont(0.95) within group (order by duration_ms) as p95,
        percentile_cont(0.99) within group (order by duration_ms) as p99
      from history_jobs
      where tenant = ${query.tenant} and sort_at >= ${query.from} and sort_at < ${query.to}
        and duration_ms is not null
      group by 1, 2`.execute(this.db);
    const byKey = new Map<string, HistoryStatsRow>();
    const keyOf = (day: Date, name: string) => `${day.getTime()}\n${name}`;
    for (const r of rows) {
      const key = keyOf(r.day, r.name);
      const row = byKey.get(key) ?? {
        day: r.day,
        name: r.name,
        counts: {},
        total: 0,
        durationMs: null,
      };
      row.counts[r.state] = r.count;
      row.total += r.count;
      byKey.set(key, row);
    }
    for (const d of durations.rows) {
      const row = byKey.get(keyOf(d.day, d.name));
      if (row) row.durationMs = { p50: d.p50, p95: d.p95, p99: d.p99 };
    }
    return [...byKey.values()].sort(
      (a, b) =>
        a.day.getTime() - b.day.getTime() || a.name.localeCompare(b.name),
    );
  }

  /** The top failure reasons per job name, under the search statement timeout. */
  failures(query: FailureReasonsQuery): Promise<FailureReason[]> {
    return failureReasons(this.db, query, this.limits.statementTimeoutMs);
  }

  /** (admin) Every tenant's stored payload versions, with samples: for compat. */
  storedVersions(samplesPerGroup?: number): Promise<StoredVersionGroup[]> {
    return readHistoryVersions(this.db, samplesPerGroup);
  }

  /** Seals every sealed payload and result again under the current key (`keys reencrypt`). */
  reencrypt(keyring: Keyring, jobNames: readonly string[]) {
    return reencryptHistory({ db: this.db, keyring, jobNames });
  }
}
