import type { AppRegistry } from '@conveyor/jobs';
import type { ProcessorMap } from '@conveyor/queue';
import type { Providers } from '../providers/providers.ts';
import { createEmailDigestProcessor } from './email-digest.ts';
import { createSmsSendProcessor } from './sms-send.ts';
import { processTestJob } from './test-job.ts';

/** Every job of the catalog, mapped to its processor (the type rejects a missing one). */
export function createProcessors(
  providers: Providers,
): ProcessorMap<AppRegistry> {
  return {
    TEST_JOB: processTestJob,
    'sms.send': createSmsSendProcessor(providers.sms),
    'email.digest': createEmailDigestProcessor(
      providers.activity,
      providers.email,
    ),
  };
}
