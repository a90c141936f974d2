import {
  versionedV1Registry,
  versionedV2Registry,
  versionedV2WithoutUpcasterRegistry,
} from '@conveyor/fixtures';
import { describe, expect, it } from 'vitest';
import { encodeEnvelope } from '../envelope.ts';
import { checkCompatibility } from './check-compatibility.ts';
import { formatCompatReport } from './format-compat-report.ts';
import type {
  StoredVersionGroup,
  StoredVersionInventory,
} from './stored-version-inventory.ts';

const v1Data = encodeEnvelope({ to: 'ann', body: 'hi' });
const v2Data = encodeEnvelope(
  { to: 'ann', text: 'hi', locale: 'fr' },
  { version: 2 },
);

function group(over: Partial<StoredVersionGroup>): StoredVersionGroup {
  return {
    source: 'redis',
    queue: 'versioned',
    job: 'notice.send',
    version: 1,
    place: 'waiting',
    count: 1,
    samples: [v1Data],
    resultSamples: [],
    ...over,
  };
}
const inventory = (
  ...groups: StoredVersionGroup[]
): StoredVersionInventory => ({
  groups,
  history: false,
});

describe('checkCompatibility', () => {
  it('passes v1 payloads a v2 contract upcasts, and v2 payloads as they are', () => {
    const report = checkCompatibility(
      versionedV2Registry,
      inventory(group({ count: 3 }), group({ version: 2, samples: [v2Data] })),
    );
    expect(report.ok).toBe(true);
    expect(report.findings.map((f) => [f.version, f.ok, f.checked])).toEqual([
      [1, true, 1],
      [2, true, 1],
    ]);
    expect(formatCompatReport(report)).toMatch(/^Compatible: 2 stored group/);
  });

  it('names the job and version a contract without the upcaster cannot read', () => {
    const report = checkCompatibility(
      versionedV2WithoutUpcasterRegistry,
      inventory(group({ place: 'schedule' })),
    );
    expect(report.ok).toBe(false);
    const [finding] = report.findings;
    expect(finding).toMatchObject({
      job: 'notice.send',
      version: 1,
      ok: false,
    });
    expect(finding?.problems[0]).toMatch(/notice\.send/);
    const text = formatCompatReport(report);
    expect(text).toMatch(/Not compatible/);
    expect(text).toMatch(/notice\.send version 1: 1 schedule/);
  });

  it('reports a version newer than the contract, an unknown job and unreadable data', () => {
    const report = checkCompatibility(
      versionedV1Registry,
      inventory(
        group({ version: 2, samples: [v2Data] }),
        group({ job: 'notice.gone' }),
        group({ version: null, samples: [{ nope: true }] }),
      ),
    );
    expect(report.findings.map((f) => f.problems)).toEqual([
      [`version 2 is newer than the contract's (1)`],
      ['the contract has no job named "notice.gone"'],
      ['stored data is not a Conveyor envelope'],
    ]);
  });

  it('reports a stored result the current result schema no longer parses', () => {
    const good = encodeEnvelope({ received: {}, release: 'v1' });
    const bad = encodeEnvelope({ received: {}, release: 1 });
    const report = checkCompatibility(
      versionedV2Registry,
      inventory(group({ place: 'completed', resultSamples: [good, bad] })),
    );
    expect(report.ok).toBe(false);
    expect(report.findings[0]?.problems).toEqual([
      expect.stringMatching(/stored result does not fit.*release/),
    ]);
  });
});
