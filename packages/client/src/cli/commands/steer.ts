import { defineCommand } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { toJson } from '../table.ts';
import { withRetryAll } from './retry-all.ts';

/** cancel, retry and promote: one id in, `{ id, state }` out (retry also takes `--all`). */
export function steer(action: 'cancel' | 'retry' | 'promote') {
  const one = defineCommand({
    args: ['id'],
    flags: [],
    async run({ client, args, io, json }) {
      const result = await client.jobs[action].mutate({ id: args.id });
      io.out(json ? toJson(result) : `Job ${result.id}: ${result.state}`);
      return EXIT.ok;
    },
  });
  return action === 'retry' ? withRetryAll(one) : one;
}
