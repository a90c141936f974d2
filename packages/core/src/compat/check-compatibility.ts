import type { RuntimeJob } from '../define-job.ts';
import { decodeEnvelope } from '../envelope.ts';
import { formatIssue, toPayloadIssues } from '../errors/payload-issue.ts';
import type { AnyRegistry } from '../registry.ts';
import { upcastPayload } from '../stored-payload.ts';
import type {
  StoredVersionGroup,
  StoredVersionInventory,
} from './stored-version-inventory.ts';

/** One inventory group as the contract reads it. */
export interface CompatFinding {
  source: StoredVersionGroup['source'];
  queue: string;
  job: string;
  version: number | null;
  place: StoredVersionGroup['place'];
  count: number;
  /** The contract's current input version for the job (null: it does not know the job). */
  currentVersion: number | null;
  /** How many stored samples were upcast and validated. */
  checked: number;
  ok: boolean;
  /** Why not, in words (distinct messages). */
  problems: string[];
}

export interface CompatReport {
  ok: boolean;
  findings: CompatFinding[];
}

/**
 * Whether a contract reads everything stored: each group's job must be in
 * it, at a version it knows, and each sample must upcast to (and parse as)
 * the current input; a completed job's stored result must still parse as
 * the current result schema (result schemas only ever grow). Samples prove
 * a path, they do not prove every stored payload.
 */
export function checkCompatibility(
  registry: AnyRegistry,
  inventory: StoredVersionInventory,
): CompatReport {
  const findings = inventory.groups.map((group) =>
    checkGroup(registry.get(group.job), group),
  );
  return { ok: findings.every((f) => f.ok), findings };
}

function checkGroup(
  job: RuntimeJob | undefined,
  group: StoredVersionGroup,
): CompatFinding {
  const { source, queue, place, count, version } = group;
  const base = { source, queue, job: group.job, version, place, count };
  if (!job)
    return finding(base, null, 0, [
      `the contract has no job named "${group.job}"`,
    ]);
  if (version === null)
    return finding(base, job.version, 0, [
      'stored data is not a Conveyor envelope',
    ]);
  if (version > job.version)
    return finding(base, job.version, 0, [
      `version ${version} is newer than the contract's (${job.version})`,
    ]);
  const problems = [
    ...group.samples.map((sample) => inputProblem(job, sample)),
    ...group.resultSamples.map((sample) => resultProblem(job, sample)),
  ].filter((p): p is string => p !== null);
  return finding(base, job.version, group.samples.length, problems);
}

function finding(
  base: Omit<CompatFinding, 'currentVersion' | 'checked' | 'ok' | 'problems'>,
  currentVersion: number | null,
  checked: number,
  problems: string[],
): CompatFinding {
  const distinct = [...new Set(problems)];
  return {
    ...base,
    currentVersion,
    checked,
    ok: distinct.length === 0,
    problems: distinct,
  };
}

/** Null when the sample reads as the current input (upcast when older). */
function inputProblem(job: RuntimeJob, sample: unknown): string | null {
  try {
    const { payload, version } = decodeEnvelope(sample);
    if (version > job.version)
      return `version ${version} is newer than the contract's (${job.version})`;
    upcastPayload(job, payload, version);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

function resultProblem(job: RuntimeJob, sample: unknown): string | null {
  if (sample === null || sample === undefined) return null;
  let result: unknown;
  try {
    result = decodeEnvelope(sample).payload;
  } catch (error) {
    return `a stored result cannot be read: ${(error as Error).message}`;
  }
  const parsed = job.result.safeParse(result);
  if (parsed.success) return null;
  const issues = toPayloadIssues(parsed.error).map(formatIssue).join('; ');
  return `a stored result does not fit the current result schema (${issues})`;
}
