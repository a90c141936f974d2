import type { ConveyorClient } from '../../create-client.ts';
import { isConveyorError } from '../../errors.ts';
import { CliError } from '../cli-error.ts';
import { defineCommand } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { wholeNumber } from '../numbers.ts';
import { reviveDates } from '../revive-dates.ts';
import { toJson } from '../table.ts';

// The CLI knows no job schemas: the API is the one to validate the request.
type EnqueueRequest = Parameters<ConveyorClient['enqueue']['mutate']>[0];

export const enqueue = defineCommand({
  args: ['name', 'json'],
  flags: ['delay', 'priority', 'idempotency-key'],
  async run({ client, args, flags, io, json }) {
    let data: unknown;
    try {
      data = JSON.parse(args.json);
    } catch (error) {
      throw new CliError(
        `The payload is not valid JSON: ${(error as Error).message}`,
        EXIT.invalidInput,
      );
    }
    const delay = wholeNumber(flags.delay, 'delay');
    const priority = wholeNumber(flags.priority, 'priority');
    const idempotencyKey = flags['idempotency-key'];
    const options = {
      ...(delay !== undefined ? { delay } : {}),
      ...(priority !== undefined ? { priority } : {}),
      ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
    };
    const request = {
      name: args.name,
      data,
      ...(Object.keys(options).length > 0 ? { options } : {}),
    } as EnqueueRequest;

    let job;
    try {
      job = await client.enqueue.mutate(request);
    } catch (error) {
      // A rejected request enqueued nothing, so one more try is safe.
      const revived = isConveyorError(error)
        ? reviveDates(request, error.data?.issues ?? [])
        : null;
      if (!revived) throw error;
      job = await client.enqueue.mutate(revived);
    }
    io.out(
      json
        ? toJson(job)
        : `Enqueued ${job.name} as job ${job.id} on queue "${job.queue}"`,
    );
    return EXIT.ok;
  },
});
