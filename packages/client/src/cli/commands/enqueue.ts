import type { EnqueueDeduplication } from '@conveyor/server';
import { defineCommand } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { wholeNumber } from '../numbers.ts';
import { parseJsonArgument, sendWithDates } from '../json-argument.ts';
import { toJson } from '../table.ts';
import { explainUnknownJob } from '../unknown-job.ts';

export const enqueue = defineCommand({
  args: ['name', 'json'],
  flags: ['delay', 'priority', 'idempotency-key'],
  async run({ client, args, flags, io, json }) {
    const data = parseJsonArgument(args.json, 'payload');
    const delay = wholeNumber(flags.delay, 'delay');
    const priority = wholeNumber(flags.priority, 'priority');
    const idempotencyKey = flags['idempotency-key'];
    const options = {
      ...(delay !== undefined ? { delay } : {}),
      ...(priority !== undefined ? { priority } : {}),
      ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
    };
    // The CLI knows no job schemas: the API is the one to validate the request.
    const request = {
      name: args.name,
      data,
      ...(Object.keys(options).length > 0 ? { options } : {}),
    };

    const job = await sendWithDates(request, (r) =>
      client.enqueue.mutate(r),
    ).catch(async (error: unknown) => {
      throw await explainUnknownJob(error, client, args.name);
    });
    io.out(json ? toJson(job) : enqueuedText(job));
    return EXIT.ok;
  },
});

/** The line a person reads; a replay or deduplication says what became of the enqueue. */
function enqueuedText(job: {
  id: string;
  name: string;
  queue: string;
  replayed?: boolean;
  deduplicated?: EnqueueDeduplication;
}): string {
  if (job.replayed)
    return `${job.name}: replayed: job ${job.id} on queue "${job.queue}" was already enqueued with this idempotency key (nothing new enqueued)`;
  const line = `Enqueued ${job.name} as job ${job.id} on queue "${job.queue}"`;
  switch (job.deduplicated?.outcome) {
    case 'joined':
      return `${job.name}: deduplicated into existing job ${job.id} on queue "${job.queue}" (nothing new enqueued)`;
    case 'replaced':
      return `${line}, replacing waiting job ${job.deduplicated.replaced} (debounced)`;
    case 'next':
      return `${line}, to run once job ${job.deduplicated.after} finishes`;
    default:
      return line;
  }
}
