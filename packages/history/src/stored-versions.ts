import type { StoredPlace, StoredVersionGroup } from '@conveyor/core';
import { sql, type Kysely } from 'kysely';
import type { HistoryDatabase, HistoryState } from './history-schema.ts';

const PLACE_OF: Record<HistoryState, StoredPlace> = {
  waiting: 'waiting',
  retrying: 'waiting',
  active: 'active',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

interface Row {
  name: string;
  queue: string;
  version: number;
  state: HistoryState;
  count: number;
  payload: unknown;
  result: unknown;
}

/**
 * Which input versions history's payloads were written with, every tenant,
 * per (job, version, state), with the newest few as samples: what
 * `history.get` decodes. One scan, but at most `samplesPerGroup` rows per
 * group come back. Samples are shaped as envelopes (`{ v, payload, pv }`),
 * as compat reads Redis's.
 */
export async function readHistoryVersions(
  db: Kysely<HistoryDatabase>,
  samplesPerGroup = 5,
): Promise<StoredVersionGroup[]> {
  const { rows } = await sql<Row>`
    with ranked as (
      select name, queue, coalesce(payload_version, 1) as version, state,
        payload, result,
        count(*) over w as count,
        row_number() over (w order by sort_at desc, id desc) as rn
      from history_jobs
      where payload is not null
      window w as (partition by name, queue, coalesce(payload_version, 1), state)
    )
    select name, queue, version, state, count::int as count, payload, result
    from ranked where rn <= ${samplesPerGroup}
    order by queue, name, version, state, rn`.execute(db);
  const groups = new Map<string, StoredVersionGroup>();
  // Two states (waiting, retrying) share a place: their counts add.
  const counted = new Set<string>();
  for (const row of rows) {
    const place = PLACE_OF[row.state];
    const id = JSON.stringify([row.queue, row.name, row.version, place]);
    let group = groups.get(id);
    if (!group) {
      group = { ...groupOf(row), place };
      groups.set(id, group);
    }
    if (!counted.has(`${id}${row.state}`)) group.count += row.count;
    counted.add(`${id}${row.state}`);
    if (group.samples.length < samplesPerGroup)
      group.samples.push(envelope(row.payload, row.version));
    if (row.result !== null && group.resultSamples.length < samplesPerGroup)
      group.resultSamples.push(envelope(row.result, 1));
  }
  return [...groups.values()];
}

function groupOf(row: Row): Omit<StoredVersionGroup, 'place'> {
  return {
    source: 'history',
    queue: row.queue,
    job: row.name,
    version: row.version,
    count: 0,
    samples: [],
    resultSamples: [],
  };
}

function envelope(payload: unknown, version: number) {
  return version > 1 ? { v: 1, payload, pv: version } : { v: 1, payload };
}
