import { JobNotFoundError } from '@conveyor/core';
import type {
  HistoryJobDetail,
  HistoryListQuery,
  HistorySearchQuery,
  HistoryPage,
  HistoryStatsQuery,
  HistoryStatsRow,
} from '@conveyor/history';
import type { JobHistory } from '../history/job-history.ts';

/** The `history.*` reads (HistoryDisabledError when history is off). */
export class HistoryService {
  constructor(private readonly history: JobHistory) {}

  /** The tenant's job history, newest first. */
  list(query: HistoryListQuery): Promise<HistoryPage> {
    return this.history.list(query);
  }

  /** Typed search: `list`'s filters plus conditions on payload and result. */
  search(query: HistorySearchQuery): Promise<HistoryPage> {
    return this.history.list(query);
  }

  /** A job's history and its attempts; NOT_FOUND for none (or another tenant's). */
  async get(id: string, tenant: string): Promise<HistoryJobDetail> {
    const detail = await this.history.get(id, tenant);
    if (!detail) throw new JobNotFoundError(id);
    return detail;
  }

  stats(query: HistoryStatsQuery): Promise<HistoryStatsRow[]> {
    return this.history.stats(query);
  }
}
