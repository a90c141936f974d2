import { defineRegistry } from '../registry.ts';
import { contentGenerate } from './content-generate.ts';
import { emailDigest } from './email-digest.ts';
import { feedSync } from './feed-sync.ts';
import { smsSend } from './sms-send.ts';
import { testJob } from './test-job.ts';

export { contentGenerate, emailDigest, feedSync, smsSend, testJob };

/** Every job Conveyor runs. Add a job: one file in this folder, one entry here. */
export const registry = defineRegistry([
  testJob,
  smsSend,
  emailDigest,
  feedSync,
  contentGenerate,
]);

export type AppRegistry = typeof registry;
