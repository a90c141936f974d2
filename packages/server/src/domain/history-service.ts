import { JobNotFoundError } from '@conveyor/core';
import type {
  FailureReason,
  FailureReasonsQuery,
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

  /** The top failure reasons per job name, for the console's stats. */
  failures(query: FailureReasonsQuery): Promise<FailureReason[]> {
    return this.history.failures(query);
  }

  /** The story's history half: the row and attempts, payload as stored (null for none; 501 with history off). */
  stored(id: string, tenant: string): Promise<HistoryJobDetail | null> {
    return this.history.stored(id, tenant);
  }

  stats(query: HistoryStatsQuery): Promise<HistoryStatsRow[]> {
    return this.history.stats(query);
  }
}
