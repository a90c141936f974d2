import { parseArgs } from 'node:util';
import { createConveyorClient } from '../create-client.ts';
import { COMMANDS } from './commands.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import { describeFailure } from './failure.ts';
import type { Output } from './output.ts';

export const DEFAULT_URL = 'http://127.0.0.1:3000/trpc';

export const HELP = `Usage: conveyor <command> [arguments] [--json] [--url URL]

Commands:
  enqueue <name> <json>   Enqueue a job. Options: --delay MS, --priority N (1 runs first),
                          --idempotency-key KEY. Dates may be given as ISO strings
                          ("2026-11-22" or "2026-11-22T09:00:00Z") where the job wants a Date.
  get <id>                Show one job.
  list                    Newest first. Options: --state STATE, --name NAME, --limit N, --cursor C.
  watch <id>              Follow progress until the job ends; the exit code is its outcome.
  cancel <id>             Cancel a waiting, delayed or active job.
  retry <id>              Run a failed or cancelled job again.
  promote <id>            Run a delayed job now.
  stats                   Jobs per state, per queue.

Options:
  --json                  Machine-readable output (one JSON document per line).
  --url URL               The API's tRPC endpoint (default: $CONVEYOR_URL or ${DEFAULT_URL}).
  -h, --help              This text.

Exit codes:
  0 ok (watch: the job completed)   1 unexpected error
  2 bad usage or invalid input      3 not found
  4 conflict (wrong state, idempotency key reused with another payload)
  5 API or queue unavailable        6 watch: the job failed      7 watch: the job was cancelled`;

/** The whole CLI as a function: arguments in, exit code out. */
export async function runCli(
  argv: string[],
  io: Output,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ExitCode> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        url: { type: 'string' },
        state: { type: 'string' },
        name: { type: 'string' },
        limit: { type: 'string' },
        cursor: { type: 'string' },
        delay: { type: 'string' },
        priority: { type: 'string' },
        'idempotency-key': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${HELP}`);
    return EXIT.invalidInput;
  }
  const { values, positionals } = parsed;
  const [name, ...args] = positionals;
  if (values.help || name === 'help') {
    io.out(HELP);
    return EXIT.ok;
  }
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) {
    io.err(
      `${name === undefined ? 'No command given' : `Unknown command "${name}"`}.\n\n${HELP}`,
    );
    return EXIT.invalidInput;
  }
  const url = values.url ?? env.CONVEYOR_URL ?? DEFAULT_URL;
  try {
    return await command({
      client: createConveyorClient({ url }),
      args,
      flags: {
        json: values.json,
        state: values.state,
        name: values.name,
        limit: values.limit,
        cursor: values.cursor,
        delay: values.delay,
        priority: values.priority,
        idempotencyKey: values['idempotency-key'],
      },
      io,
    });
  } catch (error) {
    const failure = describeFailure(error, url);
    io.err(failure.message);
    return failure.exitCode;
  }
}
