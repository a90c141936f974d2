import { defineCommand } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { toJson } from '../table.ts';

/** cancel, retry and promote: one id in, `{ id, state }` out. */
export function steer(action: 'cancel' | 'retry' | 'promote') {
  return defineCommand({
    args: ['id'],
    flags: [],
    async run({ client, args, io, json }) {
      const result = await client.jobs[action].mutate({ id: args.id });
      io.out(json ? toJson(result) : `Job ${result.id}: ${result.state}`);
      return EXIT.ok;
    },
  });
}
