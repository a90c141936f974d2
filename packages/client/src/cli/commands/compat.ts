import type { AnyRegistry, CompatReport } from '@conveyor/core';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CliError } from '../cli-error.ts';
import { defineCommand } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { toJson } from '../table.ts';

export const compat = defineCommand({
  args: [],
  flags: ['contract', 'export'],
  async run({ client, io, json, flags }) {
    // Loaded here only: no other command needs the contract core (nor zod).
    const { checkCompatibility, formatCompatReport } =
      await import('@conveyor/core');
    let report: CompatReport;
    if (flags.contract === undefined) {
      report = await client.compat.check.query();
    } else {
      // The new contract, loaded here: checked before any API runs it.
      const registry = await loadRegistry(flags.contract, flags.export);
      report = checkCompatibility(
        registry,
        await client.compat.inventory.query(),
      );
    }
    io.out(json ? toJson(report) : formatCompatReport(report));
    return report.ok ? EXIT.ok : EXIT.incompatible;
  },
});

/** The registry a module exports (`registry` unless named), resolved from the working directory. */
async function loadRegistry(
  path: string,
  name = 'registry',
): Promise<AnyRegistry> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(resolve(path)).href)) as Record<
      string,
      unknown
    >;
  } catch (error) {
    throw new CliError(
      `Cannot load the contract ${path}: ${(error as Error).message}`,
      EXIT.invalidInput,
    );
  }
  const registry = module[name];
  if (!isRegistry(registry))
    throw new CliError(
      `${path} has no registry export named "${name}" (--export NAME)`,
      EXIT.invalidInput,
    );
  return registry;
}

function isRegistry(value: unknown): value is AnyRegistry {
  if (typeof value !== 'object' || value === null) return false;
  const { get, queues } = value as { get?: unknown; queues?: unknown };
  return typeof get === 'function' && Array.isArray(queues);
}
