// `yarn new-job <name> --queue <queue> [--new-queue]`: the two files of a new
// job (its contract in packages/jobs/src, its processor in
// services/worker/src/processors) and one line in each list (the registry,
// the processor map). Checks everything before writing anything; a refusal
// exits 2 and leaves the tree as it was.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import ts from 'typescript';
import {
  JOB_NAME,
  QUEUE_NAME,
  appendTo,
  applyEdits,
  catalogJobNames,
  catalogPaths,
  exportList,
  importSourceOf,
  insertImport,
  jobNames,
  parse,
  processorMap,
  readQueues,
  registryArray,
  type CatalogPaths,
  type Edit,
} from './catalog-files.ts';

const USAGE = `Usage: yarn new-job <name> --queue <queue> [--new-queue]

  <name>       the job's name: dotted lowercase (report.build) or SCREAMING_SNAKE (REPORT_BUILD)
  --queue      a queue of QUEUES in packages/jobs/src/queues.ts
  --new-queue  add --queue to QUEUES first`;

/** A refusal: shown as it is, exit 2, nothing written. */
export class NewJobRefused extends Error {}

export interface NewJobRequest {
  name: string;
  queue: string;
  newQueue?: boolean;
}

export interface PlannedFile {
  path: string;
  text: string;
}

const ident = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const propertyKey = (key: string) => (ident.test(key) ? key : `'${key}'`);
const member = (key: string) =>
  ident.test(key) ? `QUEUES.${key}` : `QUEUES['${key}']`;

function requireNode<T>(node: T | undefined, what: string, path: string): T {
  if (node === undefined)
    throw new NewJobRefused(`Cannot find ${what} in ${path}.`);
  return node;
}

/** The queue's key in QUEUES, and the edit that adds it when it is new. */
function planQueue(paths: CatalogPaths, request: NewJobRequest) {
  const source = parse(paths.queuesFile);
  const queues = requireNode(
    readQueues(source),
    'the QUEUES object',
    paths.queuesFile,
  );
  if (queues.entries.has(request.queue))
    return { key: request.queue, file: undefined };
  for (const [key, value] of queues.entries)
    if (value === request.queue) return { key, file: undefined };
  const known = [...queues.entries.keys()].join(', ');
  if (!request.newQueue)
    throw new NewJobRefused(
      `Unknown queue '${request.queue}'. Queues: ${known}. To add it to QUEUES, pass --new-queue.`,
    );
  if (!QUEUE_NAME.test(request.queue))
    throw new NewJobRefused(
      `Invalid queue name '${request.queue}': letters, digits, - and _, starting with a letter, at most 64.`,
    );
  const edit = appendTo(
    queues.literal.properties,
    `${propertyKey(request.queue)}: '${request.queue}'`,
    queues.literal,
  );
  return {
    key: request.queue,
    file: {
      path: paths.queuesFile,
      text: applyEdits(source.text, [edit]),
    },
  };
}

function contractText(
  name: string,
  camel: string,
  queueKey: string,
  coreModule: string,
) {
  return `import { z } from 'zod';
import { defineJob } from '${coreModule}';
import { QUEUES } from './queues.ts';

/** \`${name}\`: say what it does and for whom. */
export const ${camel} = defineJob({
  name: '${name}',
  queue: ${member(queueKey)},
  // What a caller sends. Bound every string, number and array.
  input: z.strictObject({ id: z.string().min(1).max(200) }),
  // What the processor returns.
  result: z.strictObject({ done: z.boolean() }),
});
`;
}

function processorText(
  name: string,
  names: ReturnType<typeof jobNames>,
  jobsModule: string,
  processorModule: string,
) {
  return `import type { ${names.camel} } from '${jobsModule}';
import type { Processor } from '${processorModule}';

/** Runs \`${name}\`: its input is parsed by the contract, and what it returns must match the contract's result. */
export const process${names.pascal}: Processor<typeof ${names.camel}> = (
  { id },
  { logger },
) => {
  logger.info({ id }, '${name} processed');
  return Promise.resolve({ done: true });
};
`;
}

function planJobsIndex(paths: CatalogPaths, camel: string, kebab: string) {
  const source = parse(paths.jobsIndex);
  const array = requireNode(
    registryArray(source),
    'defineRegistry([...])',
    paths.jobsIndex,
  );
  const spec = `./${kebab}.ts`;
  const edits: Edit[] = [
    insertImport(source, `import { ${camel} } from '${spec}';`, spec),
    appendTo(array.elements, camel, array),
  ];
  const exported = exportList(source);
  if (exported?.exportClause && ts.isNamedExports(exported.exportClause))
    edits.push(
      appendTo(exported.exportClause.elements, camel, exported.exportClause),
    );
  return applyEdits(source.text, edits);
}

function planProcessorsIndex(
  paths: CatalogPaths,
  name: string,
  names: ReturnType<typeof jobNames>,
  known: string[],
) {
  const source = parse(paths.processorsIndex);
  const map = requireNode(
    processorMap(source, known),
    'the processor map (an object keyed by job names)',
    paths.processorsIndex,
  );
  const spec = `./${names.kebab}.ts`;
  return applyEdits(source.text, [
    insertImport(
      source,
      `import { process${names.pascal} } from '${spec}';`,
      spec,
    ),
    appendTo(
      map.properties,
      `${propertyKey(name)}: process${names.pascal}`,
      map,
    ),
  ]);
}

/** Every file the new job needs, checked and formatted; nothing written yet. */
export async function planNewJob(
  request: NewJobRequest,
  paths: CatalogPaths = catalogPaths(),
): Promise<PlannedFile[]> {
  const { name } = request;
  if (!JOB_NAME.test(name))
    throw new NewJobRefused(
      `Invalid job name '${name}': dotted lowercase (report.build, letters, digits and -) or SCREAMING_SNAKE (REPORT_BUILD), no ':'.`,
    );
  const names = jobNames(name);
  const known = catalogJobNames(paths);
  if (known.includes(name))
    throw new NewJobRefused(`Job '${name}' already exists in the catalog.`);
  const contractPath = `${paths.jobsDir}/${names.kebab}.ts`;
  const processorPath = `${paths.processorsDir}/${names.kebab}.ts`;
  for (const path of [contractPath, processorPath])
    if (existsSync(path))
      throw new NewJobRefused(
        `${relative(paths.root, path)} already exists: a job of that name (or one spelled alike) is there.`,
      );
  const queue = planQueue(paths, request);
  const processorsSource = parse(paths.processorsIndex);
  const jobsModule = (
    JSON.parse(readFileSync(paths.jobsPackageJson, 'utf8')) as { name: string }
  ).name;
  const processorModule =
    importSourceOf(processorsSource, 'ProcessorMap') ?? '@conveyor/queue';
  const coreModule = contractCoreModule(paths) ?? '@conveyor/core';
  const files: PlannedFile[] = [
    ...(queue.file ? [queue.file] : []),
    {
      path: contractPath,
      text: contractText(name, names.camel, queue.key, coreModule),
    },
    {
      path: paths.jobsIndex,
      text: planJobsIndex(paths, names.camel, names.kebab),
    },
    {
      path: processorPath,
      text: processorText(name, names, jobsModule, processorModule),
    },
    {
      path: paths.processorsIndex,
      text: planProcessorsIndex(paths, name, names, known),
    },
  ];
  return Promise.all(
    files.map(async (f) => ({
      path: f.path,
      text: await prettier.format(f.text, {
        ...(await prettier.resolveConfig(f.path)),
        filepath: f.path,
      }),
    })),
  );
}

/** Where the existing contracts import `defineJob` from. */
function contractCoreModule(paths: CatalogPaths): string | undefined {
  for (const file of readdirSync(paths.jobsDir).filter((f) =>
    f.endsWith('.ts'),
  )) {
    const found = importSourceOf(parse(join(paths.jobsDir, file)), 'defineJob');
    if (found) return found;
  }
  return undefined;
}

export async function newJob(
  request: NewJobRequest,
  paths: CatalogPaths = catalogPaths(),
): Promise<string[]> {
  const files = await planNewJob(request, paths);
  for (const file of files) writeFileSync(file.path, file.text);
  return files.map((f) => relative(paths.root, f.path));
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        queue: { type: 'string' },
        'new-queue': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1 || values.queue === undefined) {
    console.error(USAGE);
    return 2;
  }
  try {
    const written = await newJob({
      name: positionals[0]!,
      queue: values.queue,
      newQueue: values['new-queue'] ?? false,
    });
    console.log(`Wrote:\n${written.map((f) => `  ${f}`).join('\n')}`);
    console.log(
      'Next: fill in the input and result schemas, then the processor (yarn typecheck tells what no longer matches).',
    );
    return 0;
  } catch (error) {
    if (!(error instanceof NewJobRefused)) throw error;
    console.error(error.message);
    return 2;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  process.exitCode = await main(process.argv.slice(2));
