import type { ConveyorRouterInputs as RouterInputs } from '@conveyor/server';
import { defineCommand } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { wholeNumber } from '../numbers.ts';
import { table, toJson } from '../table.ts';

export const list = defineCommand({
  args: [],
  flags: ['state', 'name', 'limit', 'cursor'],
  async run({ client, flags, io, json }) {
    const limit = wholeNumber(flags.limit, 'limit');
    const page = await client.jobs.list.query({
      ...(flags.state !== undefined
        ? {
            // The API checks the state, answering with the valid ones (exit 2).
            state: flags.state as RouterInputs['jobs']['list']['state'],
          }
        : {}),
      ...(flags.name !== undefined
        ? {
            // Likewise the name: an unknown one is answered with the known ones.
            name: flags.name,
          }
        : {}),
      ...(limit !== undefined ? { limit } : {}),
      ...(flags.cursor !== undefined ? { cursor: flags.cursor } : {}),
    });
    if (json) {
      io.out(toJson(page));
      return EXIT.ok;
    }
    io.out(
      table(
        ['ID', 'NAME', 'STATE', 'ATTEMPTS', 'CREATED'],
        page.items.map((job) => [
          job.id,
          job.name,
          job.state,
          `${job.attemptsMade}/${job.attempts}`,
          job.createdAt.toISOString(),
        ]),
      ),
    );
    // On stderr, so a table piped into another tool stays a table. The
    // cursor marks a position only: the next page needs the same filters.
    if (page.nextCursor) {
      const same = Object.entries({ ...flags, cursor: page.nextCursor })
        .map(([flag, value]) => `--${flag} ${value}`)
        .join(' ');
      io.err(`More: conveyor list ${same}`);
    }
    return EXIT.ok;
  },
});
