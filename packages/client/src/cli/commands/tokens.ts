import type { ConveyorRouterInputs as RouterInputs } from '@conveyor/server';
import { CliError } from '../cli-error.ts';
import { defineCommand } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { table, toJson } from '../table.ts';

type NewToken = RouterInputs['tokens']['create'];

/** `tokens create <role>`: the token is printed once; only its hash is kept. */
export const tokensCreate = defineCommand({
  args: ['role'],
  flags: ['tenant', 'jobs', 'label', 'expires'],
  async run({ client, args, flags, io, json }) {
    const expiresAt =
      flags.expires === undefined ? undefined : new Date(flags.expires);
    if (expiresAt && Number.isNaN(expiresAt.getTime()))
      throw new CliError(
        `--expires "${flags.expires}" is not an ISO-8601 date`,
        EXIT.invalidInput,
      );
    const created = await client.tokens.create.mutate({
      // The API checks the role and job names, answering with the valid ones.
      role: args.role as NewToken['role'],
      ...(flags.tenant !== undefined ? { tenantId: flags.tenant } : {}),
      ...(flags.jobs !== undefined ? { jobs: flags.jobs.split(',') } : {}),
      ...(flags.label !== undefined ? { label: flags.label } : {}),
      ...(expiresAt ? { expiresAt } : {}),
    });
    if (json) io.out(toJson(created));
    else {
      io.out(created.token);
      io.err(
        `Token ${created.record.id} (${created.record.role} of tenant ${created.record.tenantId}). ` +
          'It is shown only now: store it (e.g. CONVEYOR_TOKEN).',
      );
    }
    return EXIT.ok;
  },
});

export const tokensList = defineCommand({
  args: [],
  flags: ['tenant'],
  async run({ client, flags, io, json }) {
    const tokens = await client.tokens.list.query(
      flags.tenant !== undefined ? { tenantId: flags.tenant } : undefined,
    );
    const date = (d: Date | null) => d?.toISOString() ?? '-';
    io.out(
      json
        ? toJson(tokens)
        : table(
            [
              'ID',
              'TENANT',
              'ROLE',
              'JOBS',
              'LABEL',
              'EXPIRES',
              'LAST USED',
              'REVOKED',
            ],
            tokens.map((t) => [
              t.id,
              t.tenantId,
              t.role,
              t.jobs?.join(',') ?? '*',
              t.label || '-',
              date(t.expiresAt),
              date(t.lastUsedAt),
              date(t.revokedAt),
            ]),
          ),
    );
    return EXIT.ok;
  },
});

export const tokensRevoke = defineCommand({
  args: ['id'],
  flags: [],
  async run({ client, args, io, json }) {
    const result = await client.tokens.revoke.mutate({ id: args.id });
    io.out(json ? toJson(result) : `Token ${result.id} revoked`);
    return EXIT.ok;
  },
});
