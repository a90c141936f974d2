import { createConveyorClient } from '@conveyor/client';
import { deletePrefix, getFreePort } from '@conveyor/testkit';
import { randomBytes } from 'node:crypto';
import { loadDotEnv } from './dot-env.ts';
import { formatLogLine, startSystem, SystemError } from './system.ts';

/**
 * `yarn demo`: starts the system, enqueues one TEST_JOB through the typed
 * client, waits until the worker logs it, stops everything. Exit 0 means the
 * job travelled client → API → Redis → worker → processor.
 */
loadDotEnv();
const say = (message: string) => console.log(`[demo] ${message}`);
// A prefix of its own: on a shared Redis (e.g. the one a running `yarn start`
// uses) another stack's worker must not take the demo's job and let the demo
// claim its success. Its keys are removed at the end.
const ownPrefix = process.env.CONVEYOR_PREFIX
  ? undefined
  : `conveyor-demo-${randomBytes(4).toString('hex')}`;
if (ownPrefix) process.env.CONVEYOR_PREFIX = ownPrefix;

try {
  if (ownPrefix)
    say(
      `Keys under a prefix of its own, ${ownPrefix} (removed at the end), so no other stack's worker takes the job.`,
    );
  const apiPort = process.env.API_PORT
    ? Number(process.env.API_PORT)
    : await getFreePort();
  const system = await startSystem({
    apiPort,
    say,
    print: (line) => console.log(formatLogLine(line)),
  });
  try {
    const client = createConveyorClient({
      url: `${system.apiUrl}/trpc`,
      token: system.adminToken,
    });
    const message = `Hello from the Conveyor demo at ${new Date().toISOString()}`;
    const job = await client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message },
    });
    say(
      `Enqueued ${job.name} as job ${job.id} on queue "${job.queue}" through the typed client`,
    );
    // Asked of the API, not read from the worker's log: any LOG_LEVEL works.
    const deadline = Date.now() + 15_000;
    while (
      (await client.jobs.get.query({ id: job.id })).state !== 'completed'
    ) {
      if (Date.now() > deadline)
        throw new SystemError(`Job ${job.id} did not complete within 15 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    say(`The worker processed job ${job.id}: the job travelled end to end.`);
  } finally {
    await system.stop(async (redisUrl) => {
      if (ownPrefix) await deletePrefix(redisUrl, ownPrefix);
    });
  }
  process.exit(0);
} catch (error) {
  console.error(
    `[demo] ${error instanceof SystemError ? error.message : String(error)}`,
  );
  process.exit(1);
}
