import { waitingForText } from './waiting-for-text.ts';
import { envelopeTenant, readWaitingFor, type Keyspace } from '@conveyor/queue';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';

/** The board's sentence for a job flow control holds or dispatched; null for any other. */
export async function explainWait(
  home: { redis: Redis; keys: Keyspace },
  queue: string,
  job: Job,
): Promise<string | null> {
  if (!job.id) return null;
  const waitingFor = await readWaitingFor(home.redis, home.keys, {
    queue,
    id: job.id,
    tenant: envelopeTenant(job.data),
    name: job.name,
  });
  return waitingFor ? waitingForText(waitingFor) : null;
}
