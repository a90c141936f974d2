import { contentGenerate } from '@conveyor/jobs';
import type { ProcessorContext } from '@conveyor/worker';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLocalContentGenerator } from '../providers/local-content-generator.ts';
import { createMemoryFeedStore } from '../providers/memory-feed-store.ts';
import type { FeedItem } from '../providers/providers.ts';
import { createContentGenerateProcessor } from './content-generate.ts';

const signal = () => new AbortController().signal;

function context(abort = signal()) {
  const stages: string[] = [];
  const ctx: ProcessorContext<{ percent: number; stage: string }> = {
    jobId: '1',
    tenantId: 'acme',
    attempt: 1,
    attempts: 4,
    logger: pino({ level: 'silent' }),
    signal: abort,
    progress: ({ stage, percent }) => (
      stages.push(`${stage}:${percent}`),
      Promise.resolve()
    ),
  };
  return { ctx, stages };
}

const item = (key: string, title: string, day: number): FeedItem => ({
  key,
  title,
  link: `https://news.test/${key}`,
  published: new Date(Date.UTC(2026, 10, day)),
});

async function seededStore() {
  const store = createMemoryFeedStore();
  await store.save(
    'acme',
    'https://news.test/rss.xml',
    [
      item('a', 'Retry ladders in background jobs', 20),
      item('b', 'Cooking with lentils', 21),
      item('c', 'Background jobs on Redis', 22),
      item('d', 'Scheduling background work', 23),
    ],
    signal(),
  );
  // Another tenant's items are never a source.
  await store.save('globex', 'x', [item('z', 'Background jobs', 24)], signal());
  return store;
}

describe('content.generate', () => {
  it('gathers, generates each section, renders: stages in order, result per its schema', async () => {
    const run = createContentGenerateProcessor(
      await seededStore(),
      createLocalContentGenerator(5),
    );
    const { ctx, stages } = context();
    const result = await run(
      { topic: 'background jobs', format: 'report', sections: 2 },
      ctx,
    );
    expect(stages).toEqual([
      'gathering:0',
      'generating:5',
      'generating:48',
      'rendering:90',
      'done:100',
    ]);
    expect(contentGenerate.result.parse(result)).toEqual(result);
    expect(result).toMatchObject({
      title: 'Report: background jobs',
      sections: 2,
      sources: 3,
    });
    // Best match first (two shared words, newest among equals), round-robin over sections.
    expect(result.markdown).toContain('## Background jobs on Redis');
    expect(result.markdown).toContain('## Retry ladders in background jobs');
    expect(result.markdown).toContain(
      '[Scheduling background work](https://news.test/d) (2026-11-23)',
    );
    expect(result.markdown).not.toMatch(/lentils|news.test\/z/);
    expect(result.words).toBeGreaterThan(20);
  });

  it('says so when there is nothing to draw on (a fresh install)', async () => {
    const run = createContentGenerateProcessor(
      createMemoryFeedStore(),
      createLocalContentGenerator(1),
    );
    const result = await run(
      { topic: 'quarterly numbers', format: 'post', sections: 1 },
      context().ctx,
    );
    expect(result.sources).toBe(0);
    expect(result.markdown).toContain('## Quarterly numbers, part 1 of 1');
    expect(result.markdown).toContain(
      'No synced feed item on “quarterly numbers” is left for this part',
    );
  });

  it('stops within a step when cancelled, without rendering', async () => {
    const run = createContentGenerateProcessor(
      await seededStore(),
      createLocalContentGenerator(60_000),
    );
    const controller = new AbortController();
    const { ctx, stages } = context(controller.signal);
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('cancelled')), 50);
    await expect(
      run({ topic: 'background jobs', format: 'post', sections: 4 }, ctx),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(500);
    expect(stages).toEqual(['gathering:0', 'generating:5']);
  });

  it('stops at the deadline its signal carries (the attempt timeout)', async () => {
    const run = createContentGenerateProcessor(
      createMemoryFeedStore(),
      createLocalContentGenerator(60_000),
    );
    const started = Date.now();
    await expect(
      run(
        { topic: 'x', format: 'newsletter', sections: 3 },
        context(AbortSignal.timeout(100)).ctx,
      ),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(600);
  });

  it('declares a long attempt and a ladder backoff', () => {
    expect(contentGenerate.queue).toBe('generation');
    expect(contentGenerate.defaults).toMatchObject({
      attempts: 4,
      timeoutMs: 600_000,
      backoff: { type: 'ladder', delays: ['1m', '5m', '15m'] },
    });
    expect(
      contentGenerate.input.parse({ topic: '  AI  ', format: 'post' }),
    ).toEqual({ topic: 'AI', format: 'post', sections: 4 });
  });
});
