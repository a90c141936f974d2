import type { ConveyorRouterOutputs as RouterOutputs } from '@conveyor/server';
import { CliError } from '../cli-error.ts';
import { defineCommand } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { table, toJson } from '../table.ts';

type Limits = RouterOutputs['tenants']['limits'];

const MAX_WEIGHT = 1_000;
const none = (value: number | null) =>
  value === null ? 'none' : String(value);

function limitsTable(tenant: string, limits: Limits): string {
  return table(
    ['TENANT', 'UNFINISHED', 'RATE/S', 'BURST', 'SCHEDULES', 'WEIGHT'],
    [
      [
        tenant,
        none(limits.maxUnfinished),
        none(limits.ratePerSecond),
        String(limits.burst),
        none(limits.maxSchedules),
        String(limits.weight),
      ],
    ],
  );
}

/** `tenants limits <tenant>`: the limits in force, set or the policy's. */
export const tenantsLimits = defineCommand({
  args: ['tenant'],
  flags: [],
  async run({ client, args, io, json }) {
    const limits = await client.tenants.limits.query({ tenantId: args.tenant });
    io.out(json ? toJson(limits) : limitsTable(args.tenant, limits));
    return EXIT.ok;
  },
});

/** `tenants weight <tenant> <1..1000|default>`: only the fair-share weight. */
export const tenantsWeight = defineCommand({
  args: ['tenant', 'weight'],
  flags: [],
  async run({ client, args, io, json }) {
    const limits = await client.tenants.setWeight.mutate({
      tenantId: args.tenant,
      weight: parseWeight(args.weight),
    });
    io.out(json ? toJson(limits) : limitsTable(args.tenant, limits));
    return EXIT.ok;
  },
});

/** `default` clears the weight (back to 1); anything else must be a whole 1..1000. */
function parseWeight(text: string): number | null {
  if (text === 'default') return null;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > MAX_WEIGHT)
    throw new CliError(
      `A weight is a whole number from 1 to ${MAX_WEIGHT}, or "default"; got "${text}"`,
      EXIT.invalidInput,
    );
  return n;
}
