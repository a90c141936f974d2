import { CliError } from '../cli-error.ts';
import { defineCommand, type Command } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { toJson } from '../table.ts';

/**
 * `retry <id>`, and `retry --all --state failed [--name N] [--yes]`: every
 * failed job of the tenant's (of that name), each as `retry <id>` would.
 * Without --yes it only says how many it would retry.
 */
export function withRetryAll(one: Command<'id'>): Command<'id'> {
  return defineCommand({
    args: ['id'],
    flags: ['state', 'name'],
    switches: ['all', 'yes'],
    argsUnless: 'all',
    async run(ctx) {
      const { flags, switches, io, json } = ctx;
      if (!switches.all) {
        if (
          flags.state !== undefined ||
          flags.name !== undefined ||
          switches.yes
        )
          throw usage('--state, --name and --yes go with --all');
        return one.run(ctx);
      }
      if (flags.state !== 'failed')
        throw usage('retry --all needs --state failed');
      const filter = { state: 'failed' as const, name: flags.name };
      const result = await ctx.client.jobs.retryMany.mutate({
        ...filter,
        dryRun: !switches.yes,
      });
      if (json) io.out(toJson(result));
      else if (!switches.yes)
        io.out(
          `${result.matched} failed job(s) would be retried. Run again with --yes to retry them.`,
        );
      else
        io.out(
          `Retried ${result.retried} of ${result.matched} failed job(s)${result.skipped ? `; ${result.skipped} skipped (moved meanwhile, or over a quota)` : ''}.`,
        );
      return EXIT.ok;
    },
  });
}

function usage(message: string): CliError {
  return new CliError(
    `${message}. Usage: conveyor retry <id> | conveyor retry --all --state failed [--name NAME] [--yes]`,
    EXIT.invalidInput,
  );
}
