import { feedSync } from '@conveyor/jobs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NonRetryableError,
  RetryLaterError,
  type ProcessorContext,
} from '@conveyor/worker';
import { retryAfterMs } from '../feeds/fetch-feed.ts';
import { createConfiguredFeeds } from '../providers/configured-feeds.ts';
import { createLogProviders } from '../providers/log-providers.ts';
import { createMemoryFeedStore } from '../providers/memory-feed-store.ts';
import { createFeedSyncProcessor } from './feed-sync.ts';
import { createProcessors } from './index.ts';

const RSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
  <title>Conveyor news</title><link>https://news.test/</link><description>d</description>
  <item><title>Ladders &amp; schedules</title><link>https://news.test/ladders</link>
    <guid isPermaLink="false">news-3</guid><pubDate>Mon, 23 Nov 2026 09:00:00 GMT</pubDate></item>
  <item><title>Tenants</title><link>https://news.test/tenants</link>
    <guid isPermaLink="false">news-2</guid><pubDate>Sun, 22 Nov 2026 09:00:00 GMT</pubDate></item>
  <item><title>No guid, a link</title><link>https://news.test/first</link></item>
  <item><title>Neither guid nor link: cannot be deduped, left out</title></item>
</channel></rss>`;

const ATOM = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Release notes</title><id>urn:releases</id><updated>2026-11-24T08:00:00Z</updated>
  <entry><title>v1.2</title><id>urn:releases:1.2</id><link href="https://rel.test/1.2"/>
    <published>2026-11-24T08:00:00Z</published><updated>2026-11-24T08:00:00Z</updated></entry>
  <entry><title type="html">v1.1</title><id>urn:releases:1.1</id>
    <link rel="self" href="https://rel.test/1.1.atom"/><link rel="alternate" href="https://rel.test/1.1"/>
    <updated>2026-11-20T08:00:00Z</updated></entry>
</feed>`;

const MAX_BYTES = 16 * 1_024;
const big = `<rss version="2.0"><channel>${'<item><title>x</title></item>'.repeat(2_000)}</channel></rss>`;

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const send = (status: number, body: string, headers = {}) =>
      res.writeHead(status, headers).end(body);
    switch (req.url) {
      case '/rss.xml':
        return send(200, RSS, { 'content-type': 'application/rss+xml' });
      case '/atom.xml':
        return send(200, ATOM, { 'content-type': 'application/atom+xml' });
      case '/page.html':
        return send(200, '<html><body>Hello</body></html>');
      case '/busy.xml':
        return send(429, 'slow down', { 'retry-after': '120' });
      case '/broken.xml':
        return send(500, 'oops');
      case '/huge-declared.xml':
        return send(200, big, { 'content-length': String(big.length) });
      case '/huge-streamed.xml':
        // Chunked, no Content-Length: only counting the bytes catches it.
        for (let i = 0; i < 40; i += 1) res.write(big.slice(0, 1_024));
        return res.end();
      case '/silent.xml':
        return; // never answers
      default:
        return send(404, 'not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

function context(signal = new AbortController().signal) {
  const stages: string[] = [];
  const ctx: ProcessorContext<{ percent: number; stage: string }> = {
    jobId: '1',
    tenantId: 'acme',
    attempt: 1,
    attempts: 3,
    logger: pino({ level: 'silent' }),
    signal,
    progress: ({ stage, percent }) => (
      stages.push(`${stage}:${percent}`),
      Promise.resolve()
    ),
  };
  return { ctx, stages };
}

function processor(configured: string[] = []) {
  return createFeedSyncProcessor(
    createConfiguredFeeds(configured),
    createMemoryFeedStore(),
    // The test server is on loopback.
    { fetchTimeoutMs: 300, maxBytes: MAX_BYTES, allowPrivate: true },
  );
}

describe('feed.sync', () => {
  it('refuses feeds on loopback or private addresses unless allowed, without retries', async () => {
    const { ctx } = context();
    const guarded = createFeedSyncProcessor(
      createConfiguredFeeds([]),
      createMemoryFeedStore(),
    );
    for (const url of [`${base}/rss.xml`, 'http://169.254.169.254/latest/'])
      await expect(guarded({ feeds: [url] }, ctx)).rejects.toMatchObject({
        name: 'NonRetryableError',
        message: expect.stringMatching(/public addresses only/),
      });
  });

  it('parses an RSS 2.0 and an Atom document, reporting each stage in order', async () => {
    const { ctx, stages } = context();
    const result = await processor()(
      { feeds: [`${base}/rss.xml`, `${base}/atom.xml`] },
      ctx,
    );
    expect(result).toEqual({
      feeds: 2,
      items: 5,
      added: 5,
      newest: '2026-11-24T08:00:00.000Z',
    });
    expect(feedSync.result.safeParse(result).success).toBe(true);
    expect(stages).toEqual([
      'fetching:0',
      'parsing:17',
      'storing:33',
      'fetching:50',
      'parsing:67',
      'storing:83',
      'done:100',
    ]);
  });

  it('adds nothing on a second run: items are deduped by guid, id or link', async () => {
    const sync = processor([`${base}/rss.xml`, `${base}/atom.xml`]);
    const first = await sync({ feeds: 'configured' }, context().ctx);
    const second = await sync({ feeds: 'configured' }, context().ctx);
    expect([first.added, second.added, second.items]).toEqual([5, 0, 5]);
  });

  it('keeps items apart per tenant', async () => {
    const sync = processor();
    const feeds = [`${base}/rss.xml`];
    await sync({ feeds }, context().ctx);
    const other = { ...context().ctx, tenantId: 'globex' };
    expect((await sync({ feeds }, other)).added).toBe(3);
  });

  it('fails without retry on a 4xx or a document that is no feed', async () => {
    const sync = processor();
    const missing = sync({ feeds: [`${base}/gone.xml`] }, context().ctx);
    await expect(missing).rejects.toBeInstanceOf(NonRetryableError);
    await expect(missing).rejects.toThrow(/answered 404/);
    const page = sync({ feeds: [`${base}/page.html`] }, context().ctx);
    await expect(page).rejects.toBeInstanceOf(NonRetryableError);
    await expect(page).rejects.toThrow(/not an RSS, Atom or JSON feed/);
  });

  it('retries a 5xx and a server that does not answer in time', async () => {
    const sync = processor();
    for (const path of ['/broken.xml', '/silent.xml']) {
      const error: unknown = await sync(
        { feeds: [`${base}${path}`] },
        context().ctx,
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(NonRetryableError);
      expect(error).not.toBeInstanceOf(RetryLaterError);
      expect((error as Error).message).toMatch(/answered 500|within 300 ms/);
    }
  });

  it('waits as long as a 429 asks', async () => {
    const error: unknown = await processor()(
      { feeds: [`${base}/busy.xml`] },
      context().ctx,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryLaterError);
    expect((error as RetryLaterError).delayMs).toBe(120_000);
    expect(
      retryAfterMs(
        'Wed, 25 Nov 2026 10:00:30 GMT',
        Date.parse('2026-11-25T10:00:00Z'),
      ),
    ).toBe(30_000);
  });

  it('refuses a body over the size limit, declared or streamed', async () => {
    for (const path of ['/huge-declared.xml', '/huge-streamed.xml']) {
      const run = processor()({ feeds: [`${base}${path}`] }, context().ctx);
      await expect(run).rejects.toBeInstanceOf(NonRetryableError);
      await expect(run).rejects.toThrow(`larger than ${MAX_BYTES} bytes`);
    }
  });

  it('syncs the other feeds when one fails, then fails with the error that decides', async () => {
    const store = createMemoryFeedStore();
    const sync = createFeedSyncProcessor(createConfiguredFeeds([]), store, {
      allowPrivate: true,
    });
    const feeds = [`${base}/gone.xml`, `${base}/rss.xml`, `${base}/broken.xml`];
    const error: unknown = await sync({ feeds }, context().ctx).catch(
      (e: unknown) => e,
    );
    // The 500 is worth a retry, so the run is retried rather than failed for good.
    expect(error).not.toBeInstanceOf(NonRetryableError);
    expect((await store.recent('acme', 10)).map((i) => i.key)).toEqual([
      'news-3',
      'news-2',
      'https://news.test/first',
    ]);
  });

  it('stops at once when its signal fires mid-download', async () => {
    const controller = new AbortController();
    const run = processor()(
      { feeds: [`${base}/silent.xml`] },
      context(controller.signal).ctx,
    );
    // silent.xml never answers: without the signal the run would hang past the test's timeout.
    setTimeout(() => controller.abort(new Error('cancelled')), 50);
    await expect(run).rejects.toThrow('cancelled');
  });

  it("runs the contract's schedule with the local providers: no feeds configured, nothing fetched", async () => {
    const [schedule] = feedSync.schedules;
    const data = feedSync.input.parse(schedule?.data);
    const sync = createProcessors(
      createLogProviders(pino({ level: 'silent' })),
    )['feed.sync'];
    expect(await sync(data, context().ctx)).toEqual({
      feeds: 0,
      items: 0,
      added: 0,
      newest: null,
    });
  });
});
