import type { contentGenerate } from '@conveyor/jobs';
import type { Processor } from '@conveyor/worker';
import { rankSources } from '../content/rank-sources.ts';
import { renderMarkdown } from '../content/render-markdown.ts';
import type { ContentGenerator, FeedStore } from '../providers/providers.ts';

/** Items looked at when gathering; the newest ones, as a feed reader shows. */
const CANDIDATE_ITEMS = 500;
/** Sources per section: enough to write from, few enough to read. */
const SOURCES_PER_SECTION = 3;

const TITLE = { post: 'Post', newsletter: 'Newsletter', report: 'Report' };

/**
 * Gathers the tenant's feed items on the topic, has the generator write each
 * section (the slow part: a model call each in production), then renders
 * the piece. Progress says which; the signal reaches every wait, so a cancel
 * or the 10-minute timeout stops it within a step.
 */
export function createContentGenerateProcessor(
  store: FeedStore,
  generator: ContentGenerator,
): Processor<typeof contentGenerate> {
  return async (
    { topic, format, sections: count },
    { tenantId, signal, progress, logger },
  ) => {
    await progress({ stage: 'gathering', percent: 0 });
    const candidates = await store.recent(tenantId, CANDIDATE_ITEMS);
    const sources = rankSources(candidates, topic, count * SOURCES_PER_SECTION);
    const written = [];
    for (let index = 0; index < count; index += 1) {
      signal.throwIfAborted();
      await progress({
        stage: 'generating',
        percent: 5 + Math.round((85 * index) / count),
      });
      written.push(
        await generator.section(
          {
            topic,
            format,
            index,
            count,
            // Round-robin, so the best sources open different sections.
            sources: sources.filter((_, i) => i % count === index),
          },
          signal,
        ),
      );
    }
    signal.throwIfAborted();
    await progress({ stage: 'rendering', percent: 90 });
    const title = `${TITLE[format]}: ${topic}`;
    const { markdown, words } = renderMarkdown(title, written);
    await progress({ stage: 'done', percent: 100 });
    logger.info(
      { words, sections: count, sources: sources.length },
      'content generated',
    );
    return { title, markdown, words, sections: count, sources: sources.length };
  };
}
