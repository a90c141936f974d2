// Scenario 2's baseline, run by plain `node` in its own process: the least an
// HTTP enqueue can do (read the body, JSON.parse, queue.add with the options
// a production BullMQ user sets, answer JSON). Plain JavaScript, so that no
// loader stands between it and Node, as with Conveyor's compiled `dist`.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createServer } from 'node:http';
import process from 'node:process';

const { REDIS_URL, PORT, PREFIX, QUEUE, JOB_OPTIONS } = process.env;
const redis = new Redis(REDIS_URL ?? '');
const queue = new Queue(QUEUE ?? 'default', {
  connection: redis,
  prefix: PREFIX,
  defaultJobOptions: JSON.parse(JOB_OPTIONS ?? '{}'),
});
await queue.waitUntilReady();

/** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body */
function answer(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const routes = {
  '/enqueue': async (/** @type {{ name: string, data: unknown }} */ body) => {
    const job = await queue.add(body.name, body.data);
    return { id: job.id };
  },
  '/enqueue-many': async (
    /** @type {{ jobs: { name: string, data: unknown }[] }} */ body,
  ) => {
    const jobs = await queue.addBulk(body.jobs);
    return jobs.map((job) => ({ id: job.id }));
  },
};

const server = createServer((req, res) => {
  const route = req.method === 'POST' ? routes[req.url ?? ''] : undefined;
  if (!route) {
    answer(res, req.url === '/ready' ? 200 : 404, {});
    return;
  }
  let text = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => (text += chunk));
  req.on('end', () => {
    Promise.resolve()
      .then(() => route(JSON.parse(text)))
      .then(
        (result) => answer(res, 200, result),
        () => answer(res, 503, {}),
      );
  });
});
server.listen(Number(PORT), '127.0.0.1');

process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void queue.close().then(() => {
    redis.disconnect();
    process.exit(0);
  });
});
