// The example app's catalog: each job's contract in a file of its own, and the
// registry the API, the worker and every caller share.
import { defineRegistry } from '@conveyor/core';
import { contentGenerate } from './content-generate.ts';
import { emailDigest } from './email-digest.ts';
import { feedSync } from './feed-sync.ts';
import { smsSend } from './sms-send.ts';
import { testJob } from './test-job.ts';

export { contentGenerate, emailDigest, feedSync, smsSend, testJob };
export { QUEUES, type AppQueueName } from './queues.ts';

/** Every job this app runs. Add a job: one file in this folder, one entry here (`yarn new-job`). */
export const registry = defineRegistry([
  testJob,
  smsSend,
  emailDigest,
  feedSync,
  contentGenerate,
]);

export type AppRegistry = typeof registry;
