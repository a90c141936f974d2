import { defineCommand } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { wholeNumber } from '../numbers.ts';
import { filterFromFlags } from '../search-filter-flags.ts';
import { table, toJson } from '../table.ts';

const time = (date: Date | null) => (date ? date.toISOString() : '-');

/** `history search [<job>] --where 'data.to^=+1415' --since 9h --state failed`. */
export const historySearch = defineCommand({
  args: [],
  optionalArg: 'job',
  lists: ['where'],
  flags: ['since', 'from', 'to', 'state', 'error', 'limit', 'cursor'],
  async run(ctx) {
    const { client, flags, io, json } = ctx;
    const job = (ctx.args as Partial<Record<'job', string>>).job;
    const filter = await filterFromFlags(ctx, job);
    const limit = wholeNumber(flags.limit, 'limit');
    const page = await client.history.search.query({
      ...filter,
      ...(limit !== undefined ? { limit } : {}),
      ...(flags.cursor !== undefined ? { cursor: flags.cursor } : {}),
    });
    if (json) {
      io.out(toJson(page));
      return EXIT.ok;
    }
    io.out(
      table(
        ['ID', 'NAME', 'STATE', 'ENQUEUED', 'ATTEMPTS', 'LAST ERROR'],
        page.items.map((j) => [
          j.id,
          j.name,
          j.state,
          time(j.enqueuedAt),
          String(j.attempts),
          j.lastError ?? '-',
        ]),
      ),
    );
    if (page.nextCursor)
      io.err(`More: add --cursor ${page.nextCursor} to the same command`);
    return EXIT.ok;
  },
});
