import { randomUUID } from 'node:crypto';
import {
  BulkActionNotFoundError,
  IdempotencyConflictError,
  InvalidSearchFilterError,
  type AnyRegistry,
} from '@conveyor/core';
import type { BulkActionRecord, HistorySearchQuery } from '@conveyor/history';
import type { Logger } from '@conveyor/queue';
import type { Caller } from '../domain/scope.ts';
import type { JobHistory } from '../history/job-history.ts';
import type { CheckedShapeFilter } from '../search/search-filter.ts';
import { searchFieldsByJob, toSearchQuery } from '../search/search-schemas.ts';
import { checkBulkAccess } from './bulk-access.ts';
import {
  BULK_ACTION_STATES,
  BULK_SAMPLE_SIZE,
  bulkActionView,
  type BulkAction,
  type BulkActionView,
  type BulkPreview,
} from './bulk-action.ts';
import {
  runBulkAction,
  type BulkRunnerDeps,
  type BulkSteering,
} from './bulk-runner.ts';
import { isSameBulkRequest } from './same-bulk-request.ts';

/** How far ahead of this clock a preview's `listedBy` may be (another replica's clock). */
const CLOCK_SKEW_MS = 5_000;

export interface BulkServiceOptions {
  history: JobHistory;
  control: BulkSteering;
  registry: AnyRegistry;
  logger: Logger;
  /** How long a runner holds an action without saving progress before another process may resume it. Default 60 s. */
  leaseMs?: number;
  /** How often abandoned actions are looked for. Default 10 s. */
  resumeEveryMs?: number;
}

interface ActionInput {
  action: BulkAction;
  filter: CheckedShapeFilter;
}

/**
 * Bulk actions by search filter: a preview ("this will affect N jobs",
 * a sample), then a background walk in this process acting on each match
 * as the single action would, its progress in `history_bulk_actions`.
 * Actions whose runner stopped (this API or another was restarted) are
 * taken over here once their lease runs out.
 */
export class BulkService {
  private readonly deps: BulkRunnerDeps;
  private readonly running = new Map<string, Promise<void>>();
  private readonly timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: BulkServiceOptions) {
    const fieldsByJob = searchFieldsByJob(options.registry);
    this.deps = {
      history: options.history,
      control: options.control,
      fieldsByJob,
      logger: options.logger,
      leaseMs: options.leaseMs ?? 60_000,
    };
    if (options.history.active) {
      this.timer = setInterval(
        () => void this.resumeAbandoned(),
        options.resumeEveryMs ?? 10_000,
      );
      this.timer.unref();
    }
  }

  /** How many jobs `start` with the answered `listedBy` acts on, and a few of them. */
  async preview(input: ActionInput, caller: Caller): Promise<BulkPreview> {
    checkBulkAccess(input.action, input.filter.name, caller);
    const listedBy = new Date();
    const query = this.queryOf(input, caller.tenant, listedBy);
    const { history } = this.deps;
    const counted = await history.count(query);
    const sample = await history.list({ ...query, limit: BULK_SAMPLE_SIZE });
    return { action: input.action, ...counted, sample: sample.items, listedBy };
  }

  /**
   * Records the action and starts it in the background; the same key
   * finds the first (a retried start), or is refused if it asked for
   * another action, filter or `listedBy`.
   */
  async start(
    input: ActionInput & { listedBy: Date; key?: string | undefined },
    caller: Caller,
  ): Promise<BulkActionView> {
    checkBulkAccess(input.action, input.filter.name, caller);
    const now = new Date();
    if (input.listedBy.getTime() > now.getTime() + CLOCK_SKEW_MS)
      throw new InvalidSearchFilterError(
        "listedBy is in the future: pass the preview's",
      );
    // Another replica's clock may run ahead: nothing is listed after now anyway.
    const listedBy = input.listedBy > now ? now : input.listedBy;
    const query = this.queryOf(input, caller.tenant, listedBy);
    const counted = await this.deps.history.count(query);
    const { principal } = caller;
    // The range as resolved now: a resumed walk reads the same jobs.
    const filter = { ...input.filter, from: query.from, to: query.to };
    const { record, created } = await this.deps.history.bulkActions((s) =>
      s.create({
        id: randomUUID(),
        tenant: caller.tenant,
        key: input.key ?? null,
        actor: principal.subject,
        role: principal.role,
        scope: principal.jobs,
        action: input.action,
        filter,
        listedBy,
        previewed: counted.count,
        previewedCapped: counted.capped,
        createdAt: now,
        leaseMs: this.deps.leaseMs,
      }),
    );
    if (created) this.launch(record);
    else this.checkSameRequest(record, input);
    return bulkActionView(record);
  }

  async get(id: string, tenant: string): Promise<BulkActionView> {
    const record = await this.deps.history.bulkActions((s) =>
      s.get(id, tenant),
    );
    if (!record) throw new BulkActionNotFoundError(id);
    return bulkActionView(record);
  }

  async list(
    query: { limit: number; cursor?: string | undefined },
    tenant: string,
  ): Promise<{ items: BulkActionView[]; nextCursor: string | null }> {
    const page = await this.deps.history.bulkActions((s) =>
      s.list({ ...query, tenant }),
    );
    return { ...page, items: page.items.map(bulkActionView) };
  }

  /**
   * Stops walking (each run gives its action up after its current page)
   * and waits for the runs: before the producer closes, which they steer over.
   */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await Promise.allSettled(this.running.values());
  }

  /** A retried start asks for what the first did, clamped as the first was (at its `createdAt`). */
  private checkSameRequest(
    record: BulkActionRecord,
    input: ActionInput & { listedBy: Date },
  ): void {
    const listedBy =
      input.listedBy > record.createdAt ? record.createdAt : input.listedBy;
    const query = this.queryOf(input, record.tenant, listedBy);
    const filter = { ...input.filter, from: query.from, to: query.to };
    if (!isSameBulkRequest(record, { action: input.action, filter, listedBy }))
      throw new IdempotencyConflictError(`bulk ${input.action}`);
  }

  private queryOf(
    input: ActionInput,
    tenant: string,
    listedBy: Date,
  ): HistorySearchQuery {
    const states = BULK_ACTION_STATES[input.action];
    const { state } = input.filter;
    if (state !== undefined && !states.includes(state))
      throw new InvalidSearchFilterError(
        `A bulk ${input.action} applies to ${states.join(', ')} jobs, not ${state} ones`,
      );
    const query = toSearchQuery(
      input.filter,
      this.deps.fieldsByJob,
      tenant,
      listedBy,
    );
    return { ...query, states, listedBy };
  }

  private launch(record: BulkActionRecord): void {
    if (this.running.has(record.id)) return;
    const run = runBulkAction(record, this.deps, () => this.closed).finally(
      () => this.running.delete(record.id),
    );
    this.running.set(record.id, run);
  }

  private async resumeAbandoned(): Promise<void> {
    if (this.closed) return;
    try {
      const { leaseMs } = this.deps;
      const claimed = await this.deps.history.bulkActions((s) =>
        s.claimAbandoned(leaseMs),
      );
      for (const record of claimed) {
        this.deps.logger.info(
          { bulkAction: record.id, tenant: record.tenant },
          'bulk action resumed',
        );
        this.launch(record);
      }
    } catch (error) {
      // History not reached yet (or away): the next tick looks again.
      this.deps.logger.debug({ err: error }, 'bulk actions: resume deferred');
    }
  }
}
