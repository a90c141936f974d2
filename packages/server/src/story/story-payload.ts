import {
  guessStoredVersion,
  payloadView,
  redactAt,
  type RuntimeJob,
} from '@conveyor/core';
import type { HistoryJobView } from '@conveyor/history';
import type { LiveJob } from './live-job.ts';
import type { StoryPayload } from './run-story.ts';

/**
 * The payload as stored, with the input version it was written with, and as
 * the processor receives it (upcast to the contract's current version). The
 * live envelope's when Redis holds the job (its version is recorded there);
 * else history's, whose version is recorded since versions were, and
 * guessed (current if it fits, else 1) for rows written before.
 */
export function storyPayload(
  definition: RuntimeJob | undefined,
  row: HistoryJobView | null,
  live: LiveJob | null,
): StoryPayload | null {
  const stored = live?.stored ?? fromHistory(definition, row);
  if (!stored) return null;
  const shown = payloadView(definition, stored.data, stored.version);
  // As stored, sealed values are ciphertext: shown as `[sensitive]` too.
  const asStored = {
    ...stored,
    data: redactAt(stored.data, definition?.sensitive.data ?? []),
  };
  return shown.dataError === null
    ? { stored: asStored, received: shown.data }
    : { stored: asStored, received: null, dataError: shown.dataError };
}

function fromHistory(
  definition: RuntimeJob | undefined,
  row: HistoryJobView | null,
): StoryPayload['stored'] | null {
  if (!row || row.data === null) return null;
  const version =
    row.storedVersion ??
    (definition ? guessStoredVersion(definition, row.data) : 1);
  return { version, data: row.data };
}
