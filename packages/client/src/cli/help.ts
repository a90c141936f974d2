import type { Command } from './command.ts';
import { DESCRIPTIONS, type CommandName } from './command-descriptions.ts';
import { COMMANDS, usageOf } from './commands.ts';
import { DEFAULT_PORT } from './api-url.ts';

const COLUMN = 25;

/** `conveyor --help`: every command, the options, tokens, dates, exit codes. */
export function generalHelp(): string {
  const commands = [...COMMANDS].map(([name, command]) =>
    listing(name, command),
  );
  return `Usage: conveyor <command> [arguments] [--json] [--url URL]
       conveyor help <command>   (or conveyor <command> --help)

Commands:
${commands.join('\n')}

${OPTIONS}

${GENERAL}`;
}

/** `conveyor help enqueue`, `conveyor enqueue --help`. */
export function commandHelp(name: CommandName): string {
  const command = COMMANDS.get(name);
  const usage = command ? usageOf(name, command) : `conveyor ${name}`;
  return `Usage: ${usage}

${DESCRIPTIONS[name]}

${OPTIONS}
Exit codes and more: conveyor --help`;
}

/** `conveyor help tokens`: the group's commands. */
export function groupHelp(group: string): string {
  const commands = [...COMMANDS]
    .filter(([name]) => name.startsWith(`${group} `))
    .map(([name, command]) => listing(name, command));
  return `Usage: conveyor ${group} <command> …

Commands:
${commands.join('\n')}

See conveyor help ${group} <command>.`;
}

/** One command in a list: its name and arguments, then its description. */
function listing(name: CommandName, command: Command): string {
  const head = [name, ...command.args.map((arg) => `<${arg}>`)].join(' ');
  const [first = '', ...more] = DESCRIPTIONS[name].split('\n');
  const indent = ' '.repeat(COLUMN);
  const lines =
    head.length <= COLUMN - 4
      ? [`  ${head.padEnd(COLUMN - 2)}${first}`]
      : [`  ${head}`, `${indent}${first}`];
  return [...lines, ...more.map((line) => `${indent}${line}`)].join('\n');
}

const OPTIONS = `Options (every command):
  --json                 For scripts: one JSON document on stdout (watch: one per
                         event, one per line). Errors always go to stderr as text.
  --url URL              The API's tRPC endpoint (its path included: …/trpc).
                         Default: $CONVEYOR_URL, else http://127.0.0.1:$API_PORT/trpc
                         (API_PORT as the API uses it, else ${DEFAULT_PORT})
  --as-tenant T          (admin) Act for tenant T.
  -h, --help             Help: all of it, or one command's.`;

const GENERAL = `Token: $CONVEYOR_TOKEN. For an API on this machine, the admin token that
  \`yarn start\` wrote to .data/admin-token is found by itself.

Dates: JSON has none, so where a job wants a Date give an ISO-8601 string:
  "2026-11-22" (midnight UTC), "2026-11-22T09:00:00Z" or "…T09:00:00+01:00".
  The payload is sent as written; if the API answers that a Date was expected
  at a path holding such a string, exactly those paths become Dates and the
  request is sent once more.

Exit codes:
  0  ok (watch: the job completed)
  1  unexpected error
  2  usage error or invalid input (bad JSON, a payload the job rejects)
  3  not found
  4  conflict (the job's state does not allow it, idempotency key reused
     with another payload, or its first enqueue still in flight)
  5  API or queue unavailable (watch: after 30 s without a connection)
  6  watch: the job failed
  7  watch: the job was cancelled
  8  not allowed (no valid token, or its role or job scope forbids it)
  9  the tenant's quota or rate limit: try again later
  10 compat: something stored that the contract cannot read
     (keys reencrypt: a sensitive value no configured key opens)`;
