import type { BaseAdapter } from '@bull-board/api/baseAdapter';
import type { QueueAdapterOptions } from '@bull-board/api/typings/app';
import type { Queue } from 'bullmq';
import { redactSealed } from '@conveyor/core';
import {
  parseFailedReason,
  decodeOptional,
  envelopeTenant,
} from '@conveyor/queue';
import type { BoardAdapterOptions } from './board-adapter-options.ts';
import { boardData, boardVersionLine, type JobOf } from './board-payload.ts';
import { BoardQueueAdapter, type ExplainWait } from './board-queue-adapter.ts';

/**
 * Bull Board adapters over Conveyor's queues. They live in the API, the
 * dashboard's only user, so installing the engine installs no dashboard; the
 * stored form (envelope, cancellation reason, tenant) is read with the
 * engine's helpers: the board shows payloads, results and progress decoded,
 * a cancelled job's name prefixed `[cancelled]`, and each job's tenant;
 * a viewer's board (`tenant`) hides other tenants' payloads. With `jobOf`
 * (the contract), a payload stored with an older input version shows
 * upcast, and its name says which version it was stored as.
 */
export function createBoardAdapters(
  queues: readonly Queue[],
  options: BoardAdapterOptions,
  explainWait?: ExplainWait,
  jobOf?: JobOf,
): BaseAdapter[] {
  return queues.map((queue) => {
    const shown = options.queues?.[queue.name];
    const adapterOptions: Partial<QueueAdapterOptions> & {
      allowCompletedRetries: boolean;
    } = {
      readOnlyMode: options.readOnly,
      // Completed jobs ran once: Conveyor retries failed or cancelled ones.
      allowCompletedRetries: false,
      ...(shown?.description ? { description: shown.description } : {}),
      ...(shown?.jobDataSchema ? { jobDataSchema: shown.jobDataSchema } : {}),
    };
    const { tenant } = options;
    const adapter = new BoardQueueAdapter(
      queue,
      adapterOptions,
      tenant,
      explainWait,
    );
    adapter.setFormatter('data', (data: unknown) =>
      tenant === undefined || envelopeTenant(data) === tenant
        ? boardData(data, jobOf)
        : { hidden: "another tenant's job" },
    );
    adapter.setFormatter('returnValue', decodedOrRaw);
    adapter.setFormatter('progress', decodedOrRaw);
    adapter.setFormatter('name', (job: Parameters<typeof shownName>[0]) => {
      const line = boardVersionLine(job.data, jobOf);
      return line === null ? shownName(job) : `${shownName(job)} · ${line}`;
    });
    return adapter;
  });
}

/**
 * Results and progress are envelopes; BullMQ's own defaults (progress 0)
 * stay as they are. Sealed (`sensitive()`) values show as `[sensitive]`:
 * the board shows every role the same page.
 */
function decodedOrRaw(value: unknown): unknown {
  return redactSealed(decodeOptional(value) ?? value);
}

/** `[cancelled] sms.send · acme`: a cancelled job is stored as failed, and every tenant shares the board. */
function shownName(job: {
  name?: string;
  data?: unknown;
  failedReason?: string;
}): string {
  const cancelled =
    typeof job.failedReason === 'string' &&
    parseFailedReason(job.failedReason).cancelled;
  const name = `${cancelled ? '[cancelled] ' : ''}${job.name ?? ''}`;
  return `${name} · ${envelopeTenant(job.data)}`;
}
