import { defineCommand } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { range } from './history.ts';
import { storyText } from '../story-text.ts';
import { formatValue, table, toJson } from '../table.ts';

/** `conveyor history show <id>`: the run's whole story (`history.story`). */
export const historyShow = defineCommand({
  args: ['id'],
  flags: [],
  async run({ client, args, io, json }) {
    const story = await client.history.story.query({ id: args.id });
    if (json) io.out(toJson(story));
    else for (const line of storyText(story)) io.out(line);
    return EXIT.ok;
  },
});

/** `conveyor history failures`: the top failure reasons per job name. */
export const historyFailures = defineCommand({
  args: [],
  flags: ['name', 'from', 'to'],
  async run({ client, flags, io, json }) {
    const rows = await client.history.failures.query({
      ...range(flags),
      ...(flags.name !== undefined ? { name: flags.name } : {}),
    });
    if (json) {
      io.out(toJson(rows));
      return EXIT.ok;
    }
    io.out(
      table(
        ['NAME', 'JOBS', 'ATTEMPTS', 'LAST SEEN', 'REASON'],
        rows.map((r) => [
          r.name,
          String(r.jobs),
          String(r.attempts),
          formatValue(r.lastAt),
          r.reason.split('\n')[0] ?? '',
        ]),
      ),
    );
    return EXIT.ok;
  },
});
