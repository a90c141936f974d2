import { defineCommand } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { table, toJson } from '../table.ts';

// Cancelled apart from failed: a job someone stopped is not a job that broke.
// Held beside waiting: of the waiting jobs, those flow control still holds.
const STATES = [
  'waiting',
  'held',
  'delayed',
  'active',
  'completed',
  'failed',
  'cancelled',
] as const;

export const stats = defineCommand({
  args: [],
  flags: [],
  async run({ client, io, json }) {
    const counts = await client.queues.stats.query();
    io.out(
      json
        ? toJson(counts)
        : table(
            ['QUEUE', ...STATES.map((s) => s.toUpperCase())],
            Object.entries(counts).map(([queue, byState]) => [
              queue,
              ...STATES.map((s) => String(byState[s])),
            ]),
          ),
    );
    return EXIT.ok;
  },
});
