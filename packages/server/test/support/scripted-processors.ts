import type { FixtureRegistry } from '@conveyor/fixtures';
import type { ProcessorMap } from '@conveyor/queue';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Catalog processors whose behaviour the test chooses through the payload:
 * TEST_JOB `fail:N` fails its first N attempts, `always-fail` never succeeds,
 * `slow:MS` runs MS ms (and honours cancellation); email.digest for a user
 * called `slow…` pauses between progress steps.
 */
export function scriptedProcessors(
  seen: { name: string; payload: unknown }[] = [],
): ProcessorMap<FixtureRegistry> {
  return {
    TEST_JOB: async (payload, { attempt, signal }) => {
      seen.push({ name: 'TEST_JOB', payload });
      const [command, arg] = payload.message.split(':');
      if (command === 'always-fail')
        throw new Error(`boom on attempt ${attempt}`);
      if (command === 'fail' && attempt <= Number(arg))
        throw new Error(`planned failure ${attempt}`);
      if (command === 'slow') await sleep(Number(arg), undefined, { signal });
      return { echoed: payload.message };
    },
    'sms.send': (payload) => {
      seen.push({ name: 'sms.send', payload });
      return Promise.resolve({ providerMessageId: `sms-${payload.to}` });
    },
    'email.digest': async (payload, { progress }) => {
      seen.push({ name: 'email.digest', payload });
      const pause = payload.userId.startsWith('slow') ? 300 : 0;
      for (const [percent, stage] of [
        [10, 'gathering'],
        [50, 'sending'],
        [100, 'done'],
      ] as const) {
        await progress({ percent, stage });
        if (pause) await sleep(pause);
      }
      return { messageId: `mail-${payload.userId}`, itemCount: 3 };
    },
    'feed.sync': (payload) => {
      seen.push({ name: 'feed.sync', payload });
      return Promise.resolve({ feeds: 0, items: 0, added: 0, newest: null });
    },
    'content.generate': (payload) => {
      seen.push({ name: 'content.generate', payload });
      const { topic, sections } = payload;
      return Promise.resolve({
        title: topic,
        markdown: `# ${topic}\n`,
        words: 1,
        sections,
        sources: 0,
      });
    },
  };
}
