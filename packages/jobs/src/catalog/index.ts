import { defineRegistry } from '../registry.ts';
import { emailDigest } from './email-digest.ts';
import { smsSend } from './sms-send.ts';
import { testJob } from './test-job.ts';

export { emailDigest, smsSend, testJob };

/** Every job Conveyor runs. Add a job: one file in this folder, one entry here. */
export const registry = defineRegistry([testJob, smsSend, emailDigest]);

export type AppRegistry = typeof registry;
