import {
  ConveyorError,
  InvalidHistoryQueryError,
  isJobId,
  HistoryDisabledError,
  HistoryUnavailableError,
  InvalidCursorError,
  type AnyRegistry,
  type StoredVersionGroup,
} from '@conveyor/core';
import {
  InvalidCursorError as HistoryCursorError,
  type BulkActionStore,
  type FailureReason,
  type FailureReasonsQuery,
  type HistoryJobDetail,
  type HistoryCount,
  type HistorySearchQuery,
  type HistoryPage,
  type HistoryStatsQuery,
  type HistoryStatsRow,
  type HistoryStore,
  type Transition,
} from '@conveyor/history';
import {
  sealPayload,
  type Keyring,
  type Logger,
  type ReencryptReport,
} from '@conveyor/queue';
import { archivedJobView, type ArchivedJobView } from './archived-job-view.ts';
import type { ApiHistoryOptions } from './api-history-options.ts';
import { isPostgresUnavailable } from './is-postgres-unavailable.ts';
import { upcastHistoryView } from './upcast-history-view.ts';

/**
 * The API's side of job history: it records what only the API sees (who
 * enqueued a job, with which key; retries, redrives and cancels asked for)
 * and reads through the store, each read mapped to the API's errors. With
 * history off it records nothing and every read is a HistoryDisabledError.
 */
export class JobHistory {
  constructor(
    private readonly options: ApiHistoryOptions | undefined,
    private readonly registry: AnyRegistry,
    private readonly logger: Logger,
  ) {}

  get active(): boolean {
    return this.options !== undefined;
  }

  /**
   * Into the outbox, awaited, and never an error for the caller: the job
   * is stored already, and the worker's transitions still create its row
   * (without who enqueued it).
   */
  async record(transitions: readonly Transition[]): Promise<void> {
    if (!this.options || transitions.length === 0) return;
    try {
      await this.options.outbox.append(transitions);
    } catch (error) {
      this.logger.warn(
        { err: error, jobs: transitions.map((t) => t.jobId) },
        'history: transitions not recorded',
      );
    }
  }

  /** `list` and `search`: filters, typed conditions included, newest first. */
  async list(query: HistorySearchQuery): Promise<HistoryPage> {
    const page = await this.read((store) => store.list(query));
    return {
      ...page,
      items: page.items.map((job) => upcastHistoryView(job, this.registry)),
    };
  }

  /** How many jobs a search matches (up to the store's cap): a bulk action's preview. */
  count(query: HistorySearchQuery): Promise<HistoryCount> {
    return this.read((store) => store.count(query));
  }

  /** Bulk actions' records (and their deletes), with reads' error mapping. */
  bulkActions<T>(work: (store: BulkActionStore) => Promise<T>): Promise<T> {
    return this.read((store) => work(store.bulkActions));
  }

  /** Null for an id no job can have (history holds only real job ids). */
  async get(id: string, tenant: string): Promise<HistoryJobDetail | null> {
    if (this.options && !isJobId(id)) return null;
    const detail = await this.read((store) => store.get(id, tenant));
    return detail
      ? { ...detail, job: upcastHistoryView(detail.job, this.registry) }
      : null;
  }

  /** The top failure reasons per job name (`history.failures`). */
  failures(query: FailureReasonsQuery): Promise<FailureReason[]> {
    return this.read((store) => store.failures(query));
  }

  /** `get`, with the payload as stored (not upcast): the run story shows both. */
  async stored(id: string, tenant: string): Promise<HistoryJobDetail | null> {
    if (this.options && !isJobId(id)) return null;
    return this.read((store) => store.get(id, tenant));
  }

  stats(query: HistoryStatsQuery): Promise<HistoryStatsRow[]> {
    return this.read((store) => store.stats(query));
  }

  /** Compat's inventory from PostgreSQL: null with history off. */
  async storedVersions(): Promise<StoredVersionGroup[] | null> {
    if (!this.options) return null;
    return this.read((store) => store.storedVersions());
  }

  /** The input version a payload of `jobName` is written with now. */
  versionOf(jobName: string): number {
    return this.registry.get(jobName)?.version ?? 1;
  }

  /** A payload as history keeps it: `sensitive()` values sealed, as in Redis. */
  storedData(jobName: string, data: unknown): unknown {
    const job = this.registry.get(jobName);
    return job ? sealPayload(job, 'data', data).value : data;
  }

  /** `jobs.get`'s fallback: null with history off or no such job. */
  async archived(id: string, tenant: string): Promise<ArchivedJobView | null> {
    if (!this.options) return null;
    const detail = await this.get(id, tenant);
    return detail ? archivedJobView(detail, this.registry) : null;
  }

  /** Sealed values in history, sealed again under the current key; null with history off. */
  async reencrypt(
    keyring: Keyring,
    jobNames: readonly string[],
  ): Promise<ReencryptReport | null> {
    if (!this.options) return null;
    return this.read((store) => store.reencrypt(keyring, jobNames));
  }

  /** PostgreSQL down is a 503 with its reason, a foreign cursor a 400; anything else stays a 500. */
  private async read<T>(work: (store: HistoryStore) => Promise<T>): Promise<T> {
    if (!this.options) throw new HistoryDisabledError();
    const { store } = this.options;
    const current = typeof store === 'function' ? store() : store;
    if (!current) throw new HistoryUnavailableError();
    try {
      return await work(current);
    } catch (error) {
      if (error instanceof ConveyorError) throw error;
      if (error instanceof HistoryCursorError) throw new InvalidCursorError();
      if (isPostgresUnavailable(error)) {
        this.logger.warn({ err: error }, 'history: database unavailable');
        throw new HistoryUnavailableError({ cause: error });
      }
      // Class 22 (data exception): a value PostgreSQL cannot take, from input.
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && code.startsWith('22'))
        throw new InvalidHistoryQueryError(
          'A value in this history query is out of range',
          { cause: error },
        );
      throw error;
    }
  }
}
