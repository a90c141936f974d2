import { sql, type Kysely } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';

/**
 * The history schema, as Kysely migrations kept in code (no files to ship
 * beside dist). Names sort in the order they run; never edit one that has
 * shipped, add the next.
 */
export const HISTORY_MIGRATIONS: Record<string, Migration> = {
  '2026-11-23-001-history-tables': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('history_jobs')
        .addColumn('tenant', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('queue', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('state_key', 'text', (c) => c.notNull())
        .addColumn('run', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('payload', 'jsonb')
        .addColumn('result', 'jsonb')
        .addColumn('last_error', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('idempotency_key', 'text')
        .addColumn('enqueued_by', 'text')
        .addColumn('enqueued_at', 'timestamptz')
        .addColumn('started_at', 'timestamptz')
        .addColumn('finished_at', 'timestamptz')
        .addColumn('duration_ms', 'integer')
        .addColumn('sort_at', 'timestamptz', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) =>
          c.notNull().defaultTo(sql`now()`),
        )
        .addPrimaryKeyConstraint('history_jobs_pk', ['tenant', 'id'])
        .execute();
      await db.schema
        .createTable('history_attempts')
        .addColumn('tenant', 'text', (c) => c.notNull())
        .addColumn('job_id', 'text', (c) => c.notNull())
        .addColumn('run', 'integer', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('started_at', 'timestamptz')
        .addColumn('ended_at', 'timestamptz')
        .addColumn('outcome', 'text')
        .addColumn('error', 'text')
        .addColumn('worker', 'text')
        .addPrimaryKeyConstraint('history_attempts_pk', [
          'tenant',
          'job_id',
          'run',
          'attempt',
        ])
        .addForeignKeyConstraint(
          'history_attempts_job_fk',
          ['tenant', 'job_id'],
          'history_jobs',
          ['tenant', 'id'],
          (fk) => fk.onDelete('cascade'),
        )
        .execute();
      await createTransitionsSeen(db);
      await createIndexes(db);
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('history_transitions_seen').execute();
      await db.schema.dropTable('history_attempts').execute();
      await db.schema.dropTable('history_jobs').execute();
    },
  },
  // Two runs of one attempt (a lost lock) both report: the higher key's
  // outcome stays, as it does for the job's state.
  '2026-11-23-002-attempt-outcome-key': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('history_attempts')
        .addColumn('outcome_key', 'text')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema
        .alterTable('history_attempts')
        .dropColumn('outcome_key')
        .execute();
    },
  },
  // Which input version a stored payload was written with, for compat: a
  // row without one (older rows included) is version 1.
  '2026-12-07-003-payload-version': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('history_jobs')
        .addColumn('payload_version', 'integer')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema
        .alterTable('history_jobs')
        .dropColumn('payload_version')
        .execute();
    },
  },
  // Bulk actions by filter (`bulk.*`): each operation's who, what and
  // progress. The record of who did what, and where a restarted API resumes.
  '2026-12-07-005-bulk-actions': {
    async up(db: Kysely<unknown>) {
      await createBulkActions(db);
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('history_bulk_actions').execute();
    },
  },
  // The run story (`history.story`): through what a job was enqueued (and
  // the delay it asked for), and each failing attempt's stack (BullMQ keeps stacks only while Redis
  // holds the job). Both nullable: older rows simply have none.
  '2026-12-07-006-story-columns': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('history_jobs')
        .addColumn('enqueued_via', 'text')
        .addColumn('enqueued_delay_ms', 'integer')
        .execute();
      await db.schema
        .alterTable('history_attempts')
        .addColumn('stack', 'text')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema
        .alterTable('history_attempts')
        .dropColumn('stack')
        .execute();
      await db.schema
        .alterTable('history_jobs')
        .dropColumn('enqueued_via')
        .dropColumn('enqueued_delay_ms')
        .execute();
    },
  },
  // Replays are made harmless by the upserts themselves (a row moves only
  // to a newer key or fills what is empty; an unchanged row is not
  // written), so the per-transition record of applied ids, a third write
  // per transition, goes. A drainer of an older version meeting this
  // schema waits (an undefined table is transient) until it is upgraded.
  '2026-12-07-007-drop-transitions-seen': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .dropTable('history_transitions_seen')
        .ifExists()
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await createTransitionsSeen(db);
      await sql`create index history_transitions_seen_at on history_transitions_seen (seen_at)`.execute(
        db,
      );
    },
  },
};

async function createTransitionsSeen(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('history_transitions_seen')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('seen_at', 'timestamptz', (c) =>
      c.notNull().defaultTo(sql`now()`),
    )
    .execute();
}

async function createBulkActions(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('history_bulk_actions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('key', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('scope', 'jsonb')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('filter', 'jsonb', (c) => c.notNull())
    .addColumn('listed_by', 'timestamptz', (c) => c.notNull())
    .addColumn('previewed', 'integer')
    .addColumn('previewed_capped', 'boolean', (c) =>
      c.notNull().defaultTo(false),
    )
    .addColumn('matched', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skip_reasons', 'jsonb', (c) =>
      c.notNull().defaultTo(sql`'{}'::jsonb`),
    )
    .addColumn('cursor', 'text')
    .addColumn('lease_until', 'timestamptz')
    // Who holds the lease: a runner whose id no longer matches lost it.
    .addColumn('runner', 'uuid')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) =>
      c.notNull().defaultTo(sql`now()`),
    )
    .addColumn('updated_at', 'timestamptz', (c) =>
      c.notNull().defaultTo(sql`now()`),
    )
    .addColumn('finished_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .execute();
  await sql`create unique index history_bulk_actions_key on history_bulk_actions (tenant, key) where key is not null`.execute(
    db,
  );
  await sql`create index history_bulk_actions_list on history_bulk_actions (tenant, created_at desc, id desc)`.execute(
    db,
  );
  await sql`create index history_bulk_actions_running on history_bulk_actions (state) where state = 'running'`.execute(
    db,
  );
}

/** Every read filters by tenant first, then walks (sort_at, id) newest first. */
async function createIndexes(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`create index history_jobs_list on history_jobs (tenant, sort_at desc, id desc)`,
    sql`create index history_jobs_by_name on history_jobs (tenant, name, sort_at desc, id desc)`,
    sql`create index history_jobs_by_state on history_jobs (tenant, state, sort_at desc, id desc)`,
    sql`create index history_jobs_by_idempotency_key on history_jobs (tenant, idempotency_key) where idempotency_key is not null`,
    // Free text on errors: 'simple' (no stemming, no stop words) matches error
    // words as written, and needs no contrib extension (pg_trgm).
    sql`create index history_jobs_error_text on history_jobs using gin (to_tsvector('simple', last_error))`,
    sql`create index history_jobs_finished on history_jobs (finished_at) where finished_at is not null`,
    sql`create index history_transitions_seen_at on history_transitions_seen (seen_at)`,
  ];
  for (const statement of statements) await statement.execute(db);
}

export const historyMigrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(HISTORY_MIGRATIONS),
};
