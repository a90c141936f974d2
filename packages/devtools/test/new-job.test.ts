// The README's "Add a job", followed as written in a scratch copy of the repo:
// `yarn new-job`, then the whole repo typechecks and the registry has the job.
// Then the catalog cut to one job: the framework must not need the examples.
import { createHash } from 'node:crypto';
import {
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_NAME, QUEUE_NAME, catalogPaths } from '../src/catalog-files.ts';
import { removeJob } from '../src/remove-job.ts';
import { run, scratchRepo, yarn, type RunResult } from '../src/scratch-repo.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
// A whole-repo tsc on a busy machine takes minutes.
const TYPECHECK_MS = 600_000;

let scratch: string;
const TSX = (root: string) => join(root, 'node_modules/tsx/dist/cli.mjs');

beforeAll(async () => {
  scratch = await scratchRepo(ROOT);
}, 120_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Every file of the catalog's two folders, with a hash of its content. */
function catalogState(root: string) {
  const { jobsDir, processorsDir, queuesFile } = catalogPaths(root);
  return [jobsDir, processorsDir]
    .flatMap((dir) =>
      readdirSync(dir)
        .sort()
        .map((f) => {
          const hash = createHash('sha1')
            .update(readFileSync(join(dir, f)))
            .digest('hex');
          return `${join(dir, f)} ${hash}`;
        }),
    )
    .concat(readFileSync(queuesFile, 'utf8'));
}

/** The files tsc names in its errors, for a message that says what is still welded. */
function failingFiles(result: RunResult): string[] {
  const files = [
    ...result.stdout.matchAll(/^(\S[^(\n]*)\(\d+,\d+\): error/gm),
  ].map((m) => m[1]!);
  return [...new Set(files)].sort();
}

async function typecheck() {
  // Incremental: the second check (after the cut) re-reads only what the
  // catalog edits touched, not the whole framework again.
  const result = await yarn(scratch, [
    'typecheck',
    '--incremental',
    '--tsBuildInfoFile',
    join(scratch, '.typecheck.tsbuildinfo'),
  ]);
  return {
    code: result.code,
    failingFiles: failingFiles(result),
    output: result.stdout.slice(0, 4_000),
  };
}

async function registryNames(): Promise<string[]> {
  const script = join(scratch, 'print-registry.ts');
  writeFileSync(
    script,
    "import { registry } from '@conveyor/jobs';\nconsole.log(JSON.stringify(registry.names));\n",
  );
  const result = await run(
    process.execPath,
    [TSX(scratch), '--conditions=@conveyor/source', script],
    scratch,
  );
  rmSync(script);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as string[];
}

describe('yarn new-job', () => {
  it('keeps the rules of defineJob (JOB_NAME, QUEUE_NAME)', () => {
    const core = readFileSync(
      join(ROOT, 'packages/core/src/define-job.ts'),
      'utf8',
    );
    expect(core).toContain(`const JOB_NAME = /${JOB_NAME.source}/;`);
    expect(core).toContain(`const QUEUE_NAME = /${QUEUE_NAME.source}/;`);
  });

  it.each([
    [['Report:build', '--queue', 'default'], /Invalid job name 'Report:build'/],
    [['sms.send', '--queue', 'sms'], /Job 'sms\.send' already exists/],
    [['sms-send', '--queue', 'sms'], /sms-send\.ts already exists/],
    [
      ['report.build', '--queue', 'nope'],
      /Unknown queue 'nope'\. Queues: default, sms/,
    ],
    [
      ['report.build', '--queue', 'bad:queue', '--new-queue'],
      /Invalid queue name/,
    ],
    [['report.build'], /Usage: yarn new-job/],
  ])(
    'refuses %j with exit 2 and writes nothing',
    async (args, message) => {
      const before = catalogState(scratch);
      // The script itself (yarn's own start is the happy path's business below).
      const result = await run(
        process.execPath,
        [
          TSX(scratch),
          join(scratch, 'packages/devtools/src/new-job.ts'),
          ...args,
        ],
        scratch,
      );
      expect(result.stderr).toMatch(message);
      expect(result.code).toBe(2);
      expect(catalogState(scratch)).toEqual(before);
    },
    60_000,
  );

  it(
    'adds a job as the README says: the repo typechecks and the registry has it',
    async () => {
      const added = await yarn(scratch, [
        'new-job',
        'report.build',
        '--queue',
        'default',
      ]);
      expect(added.stderr).toBe('');
      expect(added.code).toBe(0);
      // Paths come from the script's place, not the working directory.
      const elsewhere = await run(
        process.execPath,
        [
          TSX(scratch),
          join(scratch, 'packages/devtools/src/new-job.ts'),
          'report.archive',
          '--queue',
          'archive',
          '--new-queue',
        ],
        tmpdir(),
      );
      expect(elsewhere.stderr).toBe('');
      expect(elsewhere.code).toBe(0);

      const { jobsDir, processorsDir, jobsIndex, processorsIndex, queuesFile } =
        catalogPaths(scratch);
      const written = [
        join(jobsDir, 'report-build.ts'),
        join(jobsDir, 'report-archive.ts'),
        join(processorsDir, 'report-build.ts'),
        join(processorsDir, 'report-archive.ts'),
      ];
      for (const file of written) expect(existsSync(file)).toBe(true);
      expect(readFileSync(queuesFile, 'utf8')).toContain("archive: 'archive'");
      expect(
        readFileSync(join(jobsDir, 'report-archive.ts'), 'utf8'),
      ).toContain('queue: QUEUES.archive,');
      expect(readFileSync(processorsIndex, 'utf8')).toContain(
        "'report.build': processReportBuild,",
      );

      const formatted = await yarn(scratch, [
        'prettier',
        '--check',
        ...written,
        jobsIndex,
        processorsIndex,
        queuesFile,
      ]);
      expect(formatted.stdout + formatted.stderr).toContain(
        'All matched files use Prettier',
      );

      const checked = await typecheck();
      expect(checked.failingFiles, checked.output).toEqual([]);
      expect(checked.code).toBe(0);
      expect(await registryNames()).toEqual(
        expect.arrayContaining(['report.build', 'report.archive']),
      );
    },
    TYPECHECK_MS,
  );

  it(
    'the framework is not welded to the catalog: every job but TEST_JOB removed, the repo still typechecks',
    async () => {
      const { jobsDir } = catalogPaths(scratch);
      const removed = readdirSync(jobsDir)
        .filter(
          (f) =>
            f.endsWith('.ts') &&
            !['index.ts', 'queues.ts', 'test-job.ts'].includes(f),
        )
        .map((f) => removeJob(scratch, f.slice(0, -'.ts'.length)));
      expect(removed).toEqual(
        expect.arrayContaining(['sms.send', 'email.digest']),
      );
      expect(await registryNames()).toEqual(['TEST_JOB']);

      const checked = await typecheck();
      // On failure: the files that still need an example job.
      expect(checked.failingFiles, checked.output).toEqual([]);
      expect(checked.code).toBe(0);
    },
    TYPECHECK_MS,
  );
});
