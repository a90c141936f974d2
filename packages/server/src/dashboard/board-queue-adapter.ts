import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type { QueueAdapterOptions } from '@bull-board/api/typings/app';
import { envelopeTenant } from '@conveyor/queue';
import type { Job, Queue } from 'bullmq';
import { forTenant, presentedAs, withRunAt } from './board-job-view.ts';
import { stampJobName } from './board-payload.ts';

type JobStatuses = Parameters<BullMQAdapter['getJobs']>[0];

/** Why a job waits, in a sentence, when flow control holds or dispatched it; null otherwise. */
export type ExplainWait = (queue: string, job: Job) => Promise<string | null>;

/**
 * Bull Board's BullMQ adapter, with each job shown as Conveyor means it: a
 * delayed job's real run time, why a job flow control holds waits (first
 * line of its logs: Bull Board has no other place for it), and for a
 * viewer board (`tenant`) only that tenant's payloads.
 */
export class BoardQueueAdapter extends BullMQAdapter {
  constructor(
    private readonly bullQueue: Queue,
    options: Partial<QueueAdapterOptions> & { allowCompletedRetries: boolean },
    private readonly tenant: string | undefined,
    private readonly explainWait?: ExplainWait,
  ) {
    super(bullQueue, options);
  }

  override async getJob(id: string): Promise<Job | undefined> {
    const job = await super.getJob(id);
    return job ? (await this.present([job]))[0] : undefined;
  }

  override async getJobs(
    statuses: JobStatuses,
    start?: number,
    end?: number,
  ): Promise<Job[]> {
    return this.present(await super.getJobs(statuses, start, end));
  }

  /** A viewer reads only its own tenant's logs. */
  override async getJobLogs(id: string): Promise<string[]> {
    const job = await super.getJob(id);
    if (this.tenant !== undefined) {
      if (!job || envelopeTenant(job.data) !== this.tenant) return [];
    }
    const logs = await super.getJobLogs(id);
    const why =
      job && this.explainWait
        ? await this.explainWait(this.bullQueue.name, job)
        : null;
    return why === null ? logs : [why, ...logs];
  }

  private async present(jobs: Job[]): Promise<Job[]> {
    if (jobs.length === 0) return jobs;
    const client = await this.bullQueue.backend.client;
    const delayed = this.bullQueue.keys.delayed ?? '';
    const scores = await Promise.all(
      jobs.map(async (job) =>
        job.delay > 0 && job.id ? client.zscore(delayed, job.id) : null,
      ),
    );
    return jobs.map((job, at) => {
      const json = job.toJSON();
      const fields = withRunAt(
        { ...json, data: stampJobName(json.data, job.name) },
        scores[at] ?? null,
      );
      return presentedAs(
        job,
        this.tenant === undefined ? fields : forTenant(fields, this.tenant),
      );
    });
  }
}
