import { setTimeout as sleep } from 'node:timers/promises';
import type {
  ContentGenerator,
  FeedItem,
  SectionRequest,
} from './providers.ts';

/** About what a model takes for a section: slow enough to show the stages. */
export const LOCAL_GENERATOR_STEP_MS = 2_000;

const LEAD: Record<SectionRequest['format'], string> = {
  post: 'Worth a look',
  newsletter: 'This week in',
  report: 'Sources on',
};

/**
 * Writes sections without a model: each is put together from the topic and
 * the feed items it is given, after `stepMs` standing for the model's time,
 * so a local run is as slow, staged and cancellable as production's and its
 * text says what it was made from (or that there was nothing to use).
 */
export function createLocalContentGenerator(
  stepMs = LOCAL_GENERATOR_STEP_MS,
): ContentGenerator {
  return {
    async section({ topic, format, index, count, sources }, signal) {
      // The signal ends the wait at once: a cancel never waits out a step.
      await sleep(stepMs, undefined, { signal });
      const heading =
        sources[0]?.title ??
        `${capitalised(topic)}, part ${index + 1} of ${count}`;
      const body =
        sources.length === 0
          ? `No synced feed item on “${topic}” is left for this part: sync more feeds (feed.sync) to give this ${format} sources.`
          : [`${LEAD[format]} ${topic}:`, '', ...sources.map(bullet)].join(
              '\n',
            );
      return { heading, body };
    },
  };
}

function bullet({ title, link, published }: FeedItem): string {
  const text = title ?? link ?? 'untitled';
  const when = published ? ` (${published.toISOString().slice(0, 10)})` : '';
  return `- ${link ? `[${text}](${link})` : text}${when}`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
