import { waitingForText } from './waiting-for-text.ts';
import {
  envelopeTenant,
  readHandBack,
  readWaitingFor,
  type Keyspace,
} from '@conveyor/queue';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';

/** The board's line (first in the job's logs) for a job a worker handed back as too new, or flow control holds or dispatched; null for any other. */
export async function explainWait(
  home: { redis: Redis; keys: Keyspace },
  queue: string,
  job: Job,
): Promise<string | null> {
  if (!job.id) return null;
  const handedBack = await readHandBack(home.redis, home.keys, queue, job);
  if (handedBack) return `[version] ${waitingForText(handedBack)}`;
  const waitingFor = await readWaitingFor(home.redis, home.keys, {
    queue,
    id: job.id,
    tenant: envelopeTenant(job.data),
    name: job.name,
  });
  return waitingFor ? `[flow control] ${waitingForText(waitingFor)}` : null;
}
