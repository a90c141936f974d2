import {
  JobNotFoundError,
  type AnyRegistry,
  type AttemptRecord,
  type JobView,
  type QueueOf,
  type QueueStats,
} from '@conveyor/core';
import {
  heldBacklog,
  listDeadLetters,
  listJobs,
  tenantStats,
  watchJob,
  type DeadLetterFilter,
  type JobEventHub,
  type JobReader,
  type ListQuery,
} from '@conveyor/queue';
import type { JobHistory } from '../history/job-history.ts';
import { readLiveJob, type LiveJob } from '../story/live-job.ts';
import type { ReadinessService } from './readiness.ts';

/** Reading jobs: one, a page, its attempts, its events, the tenant's counts, dead letters. */
export class JobReadService<TRegistry extends AnyRegistry = AnyRegistry> {
  constructor(
    private readonly reader: JobReader<TRegistry>,
    private readonly events: JobEventHub,
    private readonly history: JobHistory,
    private readonly readiness: ReadinessService,
  ) {}

  /**
   * From Redis, with why it waits when flow control holds it; once retention
   * removed the job, from history (`archived: true`) when it is on.
   */
  async get(
    id: string,
    tenant: string,
    { reveal = false }: { reveal?: boolean } = {},
  ): Promise<JobView<TRegistry>> {
    const live = await this.readiness.up(async () => {
      const found = await this.reader.find(id, tenant);
      if (!found) return null;
      const waitingFor = await this.reader.waitingFor(found);
      return this.reader.view(found, waitingFor, reveal);
    });
    if (live) return live;
    const archived = await this.history.archived(id, tenant);
    if (!archived) throw new JobNotFoundError(id);
    // Validated when it was enqueued, as the live view's data was.
    return archived as unknown as JobView<TRegistry>;
  }

  /** The run story's live half: null when Redis holds no such job of this tenant. */
  live(id: string, tenant: string): Promise<LiveJob | null> {
    return this.readiness.up(() =>
      readLiveJob(this.reader as unknown as JobReader<AnyRegistry>, id, tenant),
    );
  }

  /** A job's attempts, each with the wait before it (the backoff it really got). */
  attempts(id: string, tenant: string): Promise<AttemptRecord[]> {
    return this.readiness.up(async () => {
      const found = await this.reader.find(id, tenant);
      if (!found) throw new JobNotFoundError(id);
      return this.reader.attempts(found);
    });
  }

  list(query: ListQuery, tenant: string) {
    return this.readiness.up(() => listJobs(this.reader, query, tenant));
  }

  watch(
    input: { id: string; lastEventId?: string | null | undefined },
    tenant: string,
    signal: AbortSignal | undefined,
  ) {
    return watchJob(this.reader, this.events, input, tenant, signal);
  }

  /** The tenant's jobs per state, per queue. */
  stats(tenant: string): Promise<QueueStats<QueueOf<TRegistry['jobs']>>> {
    return this.readiness.up(() => tenantStats(this.reader, tenant));
  }

  /** Every tenant's held jobs per queue, largest first (operators only: it names tenants). */
  async heldBacklog(limit: number) {
    const { redis, keys, registry } = this.reader;
    const rows = await this.readiness.up(() =>
      heldBacklog(redis, keys, registry.queues),
    );
    return rows.slice(0, limit);
  }

  deadLetters(
    query: DeadLetterFilter & { limit: number; cursor?: string | undefined },
    tenant: string,
  ) {
    return this.readiness.up(() => listDeadLetters(this.reader, query, tenant));
  }
}
