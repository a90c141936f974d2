// The backend as it was (a health check, an alerts route), plus Conveyor:
// one plugin registration serves the job API at /trpc and closes its
// connections with the app; the alerts route enqueues through it.
import { conveyorPlugin } from '@conveyor/server/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { registry } from './jobs.ts';

export interface AppOptions {
  redisUrl: string;
  /** Every /trpc call needs this token (or one it created). */
  adminToken: string;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: { level: 'warn' } });

  app.get('/health', async () => ({ ok: true }));

  await app.register(conveyorPlugin, {
    registry,
    redisUrl: options.redisUrl,
    adminToken: options.adminToken,
    path: '/trpc',
  });

  // The backend's own route: validates nothing itself, the job's schema does.
  app.post<{ Body: { organizationId: string; to: string; body: string } }>(
    '/alerts',
    async (request, reply) => {
      const job = await app.conveyor.client.enqueue.mutate({
        name: 'sms.send',
        data: request.body,
      });
      return reply.code(202).send({ jobId: job.id });
    },
  );

  return app;
}
