import type { CompatFinding, CompatReport } from './check-compatibility.ts';

/** The report as a person reads it: problems first, one line per group. */
export function formatCompatReport(report: CompatReport): string {
  if (report.findings.length === 0)
    return 'Compatible: nothing stored to check.';
  const problems = report.findings.filter((f) => !f.ok);
  const fine = report.findings.filter((f) => f.ok);
  const lines = [
    problems.length === 0
      ? `Compatible: ${fine.length} stored group(s) read by the contract.`
      : `Not compatible: ${problems.length} of ${report.findings.length} stored group(s) cannot be read by the contract.`,
    ...problems.flatMap((f) => [
      `  ✗ ${describe(f)}`,
      ...f.problems.map((p) => `      ${p}`),
    ]),
    ...fine.map((f) => `  ✓ ${describe(f)}`),
  ];
  return lines.join('\n');
}

function describe(f: CompatFinding): string {
  const version = f.version === null ? 'unreadable' : `version ${f.version}`;
  const target =
    f.currentVersion === null || f.version === f.currentVersion
      ? ''
      : ` → ${f.currentVersion}`;
  return `${f.job} ${version}${target}: ${f.count} ${f.place} (${f.source}, queue ${f.queue}; ${f.checked} sample(s) checked)`;
}
