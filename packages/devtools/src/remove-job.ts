// The reverse of `yarn new-job`, for tests: a job's files gone (contract,
// processor and the processor's own tests) and its lines out of the registry
// and the processor map.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  applyEdits,
  catalogPaths,
  elementName,
  exportList,
  parse,
  processorMap,
  registryArray,
  removeFrom,
  removeImport,
  type Edit,
} from './catalog-files.ts';
import ts from 'typescript';

/** Removes the job whose contract is packages/jobs/src/<file>.ts; returns its name. */
export function removeJob(root: string, file: string): string {
  const paths = catalogPaths(root);
  const contract = join(paths.jobsDir, `${file}.ts`);
  const text = readFileSync(contract, 'utf8');
  const binding = /export const (\w+) = defineJob\(/.exec(text)?.[1];
  const name = /\bname:\s*'([^']+)'/.exec(text)?.[1];
  if (!binding || !name) throw new Error(`No defineJob in ${contract}`);
  rmSync(contract);

  const jobs = parse(paths.jobsIndex);
  const edits: Edit[] = removeImport(jobs, `./${file}.ts`);
  const array = registryArray(jobs);
  const inRegistry = array?.elements.find((e) => elementName(e) === binding);
  if (array && inRegistry) edits.push(removeFrom(array.elements, inRegistry));
  const clause = exportList(jobs)?.exportClause;
  if (clause && ts.isNamedExports(clause)) {
    const exported = clause.elements.find((e) => elementName(e) === binding);
    if (exported) edits.push(removeFrom(clause.elements, exported));
  }
  writeFileSync(paths.jobsIndex, applyEdits(jobs.text, edits));

  for (const suffix of ['.ts', '.test.ts', '.test-d.ts']) {
    const path = join(paths.processorsDir, `${file}${suffix}`);
    if (existsSync(path)) rmSync(path);
  }
  const processors = parse(paths.processorsIndex);
  const map = processorMap(processors, [name]);
  const entry = map?.properties.find((p) => elementName(p) === name);
  writeFileSync(
    paths.processorsIndex,
    applyEdits(processors.text, [
      ...removeImport(processors, `./${file}.ts`),
      ...(map && entry ? [removeFrom(map.properties, entry)] : []),
    ]),
  );
  return name;
}
