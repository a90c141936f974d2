import type { RunStory, StoryEvent } from '@conveyor/server';
import { formatValue } from './table.ts';

/** Stack lines shown per failed attempt; `--json` has them all. */
const STACK_LINES = 6;

const spanText = (ms: number | null) => {
  if (ms === null) return '?';
  return ms < 1_000 ? `${ms}ms` : `${(ms / 1_000).toFixed(1)}s`;
};

const at = (date: Date | null) => (date ? date.toISOString() : '-'.padEnd(24));

function eventLines(event: StoryEvent): string[] {
  switch (event.type) {
    case 'enqueued':
      return [
        `${at(event.at)}  enqueued by ${event.by ?? '(not recorded)'} via ${event.via ?? '(not recorded)'}`,
      ];
    case 'wait': {
      const until = event.until ? ` until ${event.until.toISOString()}` : '';
      const detail = [
        event.key ? `key ${event.key}` : '',
        event.position === undefined ? '' : `position ${event.position}`,
        event.storedVersion === undefined
          ? ''
          : `stored v${event.storedVersion}, worker knows v${event.knownVersion ?? '?'}`,
        event.handBacks === undefined ? '' : `${event.handBacks} hand-back(s)`,
      ].filter(Boolean);
      const extra = detail.length > 0 ? ` (${detail.join(', ')})` : '';
      return [
        `${at(event.from)}  wait ${event.kind} ${spanText(event.ms)}${until} [${event.known}]${extra}`,
      ];
    }
    case 'attempt': {
      const worker = event.worker ? ` on ${event.worker}` : '';
      const outcome = event.outcome ?? 'running';
      const error = event.error ? `: ${event.error}` : '';
      const stack = (event.stack ?? '')
        .split('\n')
        .slice(1, 1 + STACK_LINES)
        .filter((line) => line.trim() !== '')
        .map((line) => `${' '.repeat(26)}${line.trim()}`);
      return [
        `${at(event.startedAt)}  attempt ${event.attempt} (run ${event.run})${worker}: ${outcome} after ${spanText(event.durationMs)}${error}`,
        ...stack,
      ];
    }
    case 'end':
      return [
        `${at(event.at)}  ${event.state}${event.state === 'completed' ? ` → ${formatValue(event.result)}` : event.error ? `: ${event.error}` : ''}`,
      ];
  }
}

/** `conveyor history show`: a run's story as lines, oldest first. */
export function storyText(story: RunStory): string[] {
  const state = story.live?.state ?? story.job?.state ?? '?';
  const lines = [`${story.name} ${story.id} (queue ${story.queue}): ${state}`];
  const { idempotencyKey, delayMs } = story.enqueued;
  if (idempotencyKey) lines.push(`idempotency key: ${idempotencyKey}`);
  if (delayMs) lines.push(`delay asked: ${spanText(delayMs)}`);
  if (story.traceId) lines.push(`trace: ${story.traceId}`);
  if (story.live?.waitingFor)
    lines.push(`waiting for: ${story.live.waitingFor.reason} (now)`);
  lines.push('', ...story.timeline.flatMap(eventLines));
  if (story.payload) {
    const { stored, received, dataError } = story.payload;
    lines.push(
      '',
      `payload stored (v${stored.version}): ${formatValue(stored.data)}`,
      dataError
        ? `payload received: cannot be upcast: ${dataError}`
        : `payload received: ${formatValue(received)}`,
    );
  }
  for (const gap of story.gaps) lines.push(`(partial: ${gap})`);
  return lines;
}
