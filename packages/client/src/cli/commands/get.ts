import { waitingForText } from '../waiting-for-text.ts';
import {
  isPayloadVersion,
  payloadVersionText,
} from '../payload-version-text.ts';
import { defineCommand } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { formatValue, table, toJson } from '../table.ts';

export const get = defineCommand({
  args: ['id'],
  flags: [],
  async run({ client, args, io, json }) {
    const job = await client.jobs.get.query({ id: args.id });
    io.out(
      json
        ? toJson(job)
        : table(
            ['FIELD', 'VALUE'],
            Object.entries(job).map(([key, value]) => [
              key,
              key === 'waitingFor' && job.waitingFor
                ? waitingForText(job.waitingFor)
                : isPayloadVersion(key, value)
                  ? payloadVersionText(value)
                  : formatValue(value),
            ]),
          ),
    );
    return EXIT.ok;
  },
});
