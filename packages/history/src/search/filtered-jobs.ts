import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { HistoryDatabase } from '../history-schema.ts';
import { conditionSql } from './condition-sql.ts';
import type { HistorySearchQuery } from './history-search-query.ts';

type JobsQuery = SelectQueryBuilder<HistoryDatabase, 'history_jobs', object>;

/**
 * `history_jobs` narrowed by a search's filters, the tenant always first:
 * no filter can reach another tenant's rows. Paging and ordering are the
 * caller's.
 */
export function filteredJobs(
  db: Kysely<HistoryDatabase>,
  query: HistorySearchQuery,
): JobsQuery {
  let q: JobsQuery = db
    .selectFrom('history_jobs')
    .where('tenant', '=', query.tenant);
  if (query.name !== undefined) q = q.where('name', '=', query.name);
  if (query.state !== undefined) q = q.where('state', '=', query.state);
  if (query.states !== undefined)
    q =
      query.states.length === 0
        ? q.where(sql<boolean>`false`)
        : q.where('state', 'in', query.states);
  if (query.from !== undefined) q = q.where('sort_at', '>=', query.from);
  if (query.to !== undefined) q = q.where('sort_at', '<', query.to);
  if (query.listedBy !== undefined)
    q = q.where('sort_at', '<=', query.listedBy);
  if (query.idempotencyKey !== undefined)
    q = q.where('idempotency_key', '=', query.idempotencyKey);
  if (query.text !== undefined && query.text.trim() !== '')
    q = q.where(
      sql<boolean>`to_tsvector('simple', last_error) @@ plainto_tsquery('simple', ${query.text})`,
    );
  for (const condition of query.conditions ?? [])
    q = q.where(conditionSql(condition));
  return q;
}
