// `yarn catalog-cut`: a scratch copy of the repository with every example job
// but TEST_JOB deleted (contract, processor, their tests and their lines), as a
// team that starts from Conveyor deletes the examples. Prints the copy's path;
// CI then runs typecheck, lint and the framework's tests there.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { catalogPaths } from './catalog-files.ts';
import { removeJob } from './remove-job.ts';
import { scratchRepo } from './scratch-repo.ts';

const KEPT = ['index.ts', 'queues.ts', 'test-job.ts'];
const root = fileURLToPath(new URL('../../../', import.meta.url));
const scratch = await scratchRepo(root);
const { jobsDir } = catalogPaths(scratch);
const removed = readdirSync(jobsDir)
  .filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !KEPT.includes(f),
  )
  .map((f) => removeJob(scratch, f.slice(0, -'.ts'.length)));
console.error(`catalog cut to TEST_JOB (removed ${removed.join(', ')})`);
console.log(scratch);
