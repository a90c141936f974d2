import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import superjson, { type SuperJSONResult } from 'superjson';
import {
  decodeCursor,
  encodeCursor,
  InvalidCursorError,
} from '../history-cursor.ts';
import type {
  BulkActionState,
  HistoryBulkActionsTable,
  HistoryDatabase,
  HistoryState,
} from '../history-schema.ts';
import type {
  BulkActionListQuery,
  BulkActionProgress,
  BulkActionRecord,
  NewBulkAction,
} from './bulk-action-record.ts';

type Row = Selectable<HistoryBulkActionsTable>;

/** An action as held by one runner: its writes match both. */
export interface BulkLease {
  id: string;
  runner: string;
}

function toRecord(row: Row): BulkActionRecord {
  return {
    id: row.id,
    tenant: row.tenant,
    key: row.key,
    actor: row.actor,
    role: row.role,
    scope: row.scope,
    action: row.action,
    filter: superjson.deserialize(row.filter as SuperJSONResult),
    listedBy: row.listed_by,
    previewed: row.previewed,
    previewedCapped: row.previewed_capped,
    matched: row.matched,
    done: row.done,
    skipped: row.skipped,
    failed: row.failed,
    skipReasons: row.skip_reasons,
    cursor: row.cursor,
    state: row.state,
    runner: row.runner,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    lastError: row.last_error,
  };
}

/**
 * Bulk actions' records (`history_bulk_actions`) and the one write bulk
 * actions make to job history: deleting rows. Every read and write names
 * its tenant, except `running`, which a restarted API uses to resume.
 */
export class BulkActionStore {
  constructor(private readonly db: Kysely<HistoryDatabase>) {}

  /**
   * Stores a new action, or finds the one this tenant started with the
   * same key: `created` says which.
   */
  async create(
    action: NewBulkAction & { leaseMs: number },
  ): Promise<{ record: BulkActionRecord; created: boolean }> {
    const inserted = await this.db
      .insertInto('history_bulk_actions')
      .values({
        id: action.id,
        tenant: action.tenant,
        key: action.key,
        actor: action.actor,
        role: action.role,
        scope: action.scope === null ? null : JSON.stringify(action.scope),
        action: action.action,
        filter: JSON.stringify(superjson.serialize(action.filter)),
        listed_by: action.listedBy,
        previewed: action.previewed,
        previewed_capped: action.previewedCapped,
        skip_reasons: '{}',
        state: 'running',
        lease_until: new Date(Date.now() + action.leaseMs),
        runner: randomUUID(),
        // From JS (milliseconds), as the list cursor carries it: a
        // microsecond now() would skip or repeat rows across pages.
        created_at: action.createdAt,
        updated_at: action.createdAt,
      })
      .onConflict((oc) =>
        oc.columns(['tenant', 'key']).where('key', 'is not', null).doNothing(),
      )
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { record: toRecord(inserted), created: true };
    const existing = await this.db
      .selectFrom('history_bulk_actions')
      .selectAll()
      .where('tenant', '=', action.tenant)
      .where('key', '=', action.key)
      .executeTakeFirstOrThrow();
    return { record: toRecord(existing), created: false };
  }

  async get(id: string, tenant: string): Promise<BulkActionRecord | null> {
    const row = await this.db
      .selectFrom('history_bulk_actions')
      .selectAll()
      .where('tenant', '=', tenant)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  /** The tenant's actions, newest first, keyset-paged. */
  async list(
    query: BulkActionListQuery,
  ): Promise<{ items: BulkActionRecord[]; nextCursor: string | null }> {
    const cursor =
      query.cursor === undefined ? null : decodeCursor(query.cursor);
    if (query.cursor !== undefined && !cursor) throw new InvalidCursorError();
    let q = this.db
      .selectFrom('history_bulk_actions')
      .selectAll()
      .where('tenant', '=', query.tenant);
    if (cursor)
      q = q.where(
        sql<boolean>`(created_at, id) < (${cursor.at}, ${cursor.id})`,
      );
    const rows = await q
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit + 1)
      .execute();
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map(toRecord),
      nextCursor:
        rows.length > query.limit && last
          ? encodeCursor({ at: last.created_at, id: last.id })
          : null,
    };
  }

  /**
   * Adds a page's outcome to the totals and moves the resume point past
   * it, if `runner` still holds the lease: false when it lost it.
   */
  async progress(
    lease: BulkLease,
    page: BulkActionProgress & { leaseMs: number },
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('history_bulk_actions')
      .set((eb) => ({
        matched: eb('matched', '+', page.matched),
        done: eb('done', '+', page.done),
        skipped: eb('skipped', '+', page.skipped),
        failed: eb('failed', '+', page.failed),
        skip_reasons: JSON.stringify(page.skipReasons),
        cursor: page.cursor,
        ...(page.lastError ? { last_error: page.lastError } : {}),
        lease_until: new Date(Date.now() + page.leaseMs),
        updated_at: new Date(),
      }))
      .where('id', '=', lease.id)
      .where('runner', '=', lease.runner)
      .where('state', '=', 'running')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Extends `runner`'s lease (a long page): false when it lost it. */
  async renew(lease: BulkLease, leaseMs: number): Promise<boolean> {
    const result = await this.db
      .updateTable('history_bulk_actions')
      .set({ lease_until: new Date(Date.now() + leaseMs) })
      .where('id', '=', lease.id)
      .where('runner', '=', lease.runner)
      .where('state', '=', 'running')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Ends the action, if `runner` still holds it: false when it lost it. */
  async finish(
    lease: BulkLease,
    state: Exclude<BulkActionState, 'running'>,
    lastError: string | null = null,
  ): Promise<boolean> {
    const now = new Date();
    const result = await this.db
      .updateTable('history_bulk_actions')
      .set({
        state,
        last_error: lastError,
        finished_at: now,
        updated_at: now,
        lease_until: null,
        runner: null,
      })
      .where('id', '=', lease.id)
      .where('runner', '=', lease.runner)
      .where('state', '=', 'running')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /**
   * Takes over unfinished actions whose runner stopped renewing its lease
   * (an API that crashed or was stopped mid-way), for `leaseMs`: each is
   * claimed by one process only.
   */
  async claimAbandoned(leaseMs: number): Promise<BulkActionRecord[]> {
    const rows = await this.db
      .updateTable('history_bulk_actions')
      // A new holder per row: the previous one's writes no longer match.
      .set({
        lease_until: new Date(Date.now() + leaseMs),
        runner: sql<string>`gen_random_uuid()`,
      })
      .where('state', '=', 'running')
      .where((eb) =>
        eb.or([
          eb('lease_until', 'is', null),
          eb('lease_until', '<', new Date()),
        ]),
      )
      .returningAll()
      .execute();
    return rows.map(toRecord);
  }

  /** Gives an unfinished action up at once (this process stops), so another may resume it. */
  async release(lease: BulkLease): Promise<void> {
    await this.db
      .updateTable('history_bulk_actions')
      .set({ lease_until: null, runner: null })
      .where('id', '=', lease.id)
      .where('runner', '=', lease.runner)
      .where('state', '=', 'running')
      .execute();
  }

  /** Deletes the tenant's rows among `ids` still in one of `states`; returns the ids deleted. */
  async deleteJobs(
    tenant: string,
    ids: readonly string[],
    states: readonly HistoryState[],
  ): Promise<string[]> {
    if (ids.length === 0 || states.length === 0) return [];
    const rows = await this.db
      .deleteFrom('history_jobs')
      .where('tenant', '=', tenant)
      .where('id', 'in', ids)
      .where('state', 'in', states)
      .returning('id')
      .execute();
    return rows.map((row) => row.id);
  }
}
