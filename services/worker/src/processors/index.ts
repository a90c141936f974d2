import type { AppRegistry } from '@conveyor/jobs';
import type { ProcessorMap } from '@conveyor/worker';
import type { Providers } from '../providers/providers.ts';
import { createContentGenerateProcessor } from './content-generate.ts';
import { createEmailDigestProcessor } from './email-digest.ts';
import { createFeedSyncProcessor } from './feed-sync.ts';
import { createSmsSendProcessor } from './sms-send.ts';
import { processTestJob } from './test-job.ts';

/** Every job of the catalog, mapped to its processor (the type rejects a missing one). */
export function createProcessors(
  providers: Providers,
  options: { feedAllowPrivate?: boolean } = {},
): ProcessorMap<AppRegistry> {
  return {
    TEST_JOB: processTestJob,
    'sms.send': createSmsSendProcessor(providers.sms),
    'email.digest': createEmailDigestProcessor(
      providers.activity,
      providers.email,
    ),
    'feed.sync': createFeedSyncProcessor(providers.feeds, providers.feedStore, {
      allowPrivate: options.feedAllowPrivate ?? false,
    }),
    'content.generate': createContentGenerateProcessor(
      providers.feedStore,
      providers.generator,
    ),
  };
}
