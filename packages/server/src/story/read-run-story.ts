import {
  ConveyorError,
  JobNotFoundError,
  type AnyRegistry,
} from '@conveyor/core';
import type { HistoryJobDetail } from '@conveyor/history';
import type { HistoryService } from '../domain/history-service.ts';
import type { JobReadService } from '../domain/job-read-service.ts';
import { buildRunStory } from './build-run-story.ts';
import type { LiveJob } from './live-job.ts';
import type { RunStory } from './run-story.ts';

export interface StoryReaders {
  history: Pick<HistoryService, 'stored'>;
  jobs: Pick<JobReadService, 'live'>;
}

type Read<T> = { value: T } | { error: ConveyorError };

/** An API error (unavailable, disabled) is a gap in the story, not its end. */
async function settle<T>(read: Promise<T>): Promise<Read<T>> {
  try {
    return { value: await read };
  } catch (error) {
    if (error instanceof ConveyorError) return { error };
    throw error;
  }
}

/**
 * `history.story`: history and Redis read side by side, for the caller's
 * tenant only. Either alone tells a (partial) story, its gap named; a job
 * neither holds is NOT_FOUND, unless one could not be read: then that
 * source's error (503) answers, since the job may well exist.
 */
export async function readRunStory(
  readers: StoryReaders,
  registry: AnyRegistry,
  id: string,
  tenant: string,
): Promise<RunStory> {
  const [stored, live] = await Promise.all([
    settle<HistoryJobDetail | null>(readers.history.stored(id, tenant)),
    settle<LiveJob | null>(readers.jobs.live(id, tenant)),
  ]);
  const detail = 'value' in stored ? stored.value : null;
  const job = 'value' in live ? live.value : null;
  const gaps = [stored, live].flatMap((read) =>
    'error' in read ? [read.error.message] : [],
  );
  if (detail || job)
    return buildRunStory(registry, { id, detail, live: job, gaps });
  const failed = [live, stored].find((read) => 'error' in read);
  if (failed && 'error' in failed && !isDisabled(failed.error))
    throw failed.error;
  throw new JobNotFoundError(id);
}

const isDisabled = (error: ConveyorError) => error.code === 'HISTORY_DISABLED';
