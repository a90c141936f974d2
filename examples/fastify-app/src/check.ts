// The backend with Conveyor as a plugin against a real Redis: its own route
// enqueues, a typed client over HTTP enqueues and watches, a worker runs both;
// then the app and the worker close and the process ends by itself.
import { randomUUID } from 'node:crypto';
import { buildApp } from './app.ts';
import { assert, expectCleanExit, redisUrlFromEnv } from './clean-exit.ts';
import { connectClient, watchToEnd } from './client.ts';
import { startWorker } from './worker.ts';

const redisUrl = redisUrlFromEnv();
const adminToken = randomUUID();

const app = await buildApp({ redisUrl, adminToken });
const base = await app.listen({ host: '127.0.0.1', port: 0 });
const worker = await startWorker(redisUrl);
try {
  const health = await fetch(`${base}/health`);
  assert(health.ok, 'the backend still answers its own routes');

  const alert = await fetch(`${base}/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      organizationId: 'org-1',
      to: '+15551234567',
      body: 'Disk full',
    }),
  });
  assert(
    alert.status === 202,
    `POST /alerts answers 202 (got ${alert.status})`,
  );
  const { jobId } = (await alert.json()) as { jobId: string };

  const client = connectClient(`${base}/trpc`, adminToken);
  const sms = await watchToEnd(client, jobId);
  assert(
    (sms as { messageId?: string }).messageId === 'sms-org-1-+15551234567',
    `sms.send completed (${JSON.stringify(sms)})`,
  );

  const digest = await client.enqueue.mutate({
    name: 'email.digest',
    data: { organizationId: 'org-1', userId: 'user-1', period: 'daily' },
  });
  const digested = await watchToEnd(client, digest.id);
  assert(
    (digested as { itemCount?: number }).itemCount === 6,
    `email.digest completed (${JSON.stringify(digested)})`,
  );
  console.log(`fastify-app: ${jobId} and ${digest.id} completed`);
} finally {
  await worker.close();
  await app.close();
}
expectCleanExit('fastify-app check');
