import { basename } from 'node:path';

/** The parts of a V8 `.cpuprofile` (inspector `Profiler.stop`, `node --cpu-prof`) read here. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }[];
  /** µs, on the same monotonic clock as `process.hrtime`. */
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileGroup {
  group: string;
  selfMs: number;
  /** Share of the non-idle time sampled. */
  percent: number;
  /** The function with the most self time in the group, as `name (file:line)`. */
  top: string;
}

export interface ProfileSummary {
  /** Wall time covered by the samples read, ms. */
  sampledMs: number;
  idlePercent: number;
  groups: ProfileGroup[];
}

const IDLE = '(idle)';

/**
 * Where a frame's self time goes: a package, Node's JavaScript, `native`
 * (V8 builtins and C++ bindings without a script: socket writes, JSON,
 * hashing), GC, or a Conveyor package.
 */
export function groupOf(frame: { functionName: string; url: string }): string {
  const { functionName, url } = frame;
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(idle)' || functionName === '(root)') return IDLE;
  if (functionName === '(program)') return 'V8 (program)';
  if (url === '') return 'native';
  if (url.startsWith('node:internal/deps/undici')) return 'undici';
  if (url.startsWith('node:')) return 'node internals';
  const path = decodeURIComponent(url.replace(/^file:\/\//, ''));
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [scope = '', name = ''] = path
      .slice(modules + '/node_modules/'.length)
      .split('/');
    if (scope === '@trpc') return '@trpc';
    return scope.startsWith('@') ? `${scope}/${name}` : scope;
  }
  const own = /\/(packages|services)\/([^/]+)\//.exec(path);
  if (own?.[2] === 'bench') return 'bench harness';
  if (own) return `@conveyor/${own[2]}`;
  return basename(path);
}

/** A profile, and optionally the part of it to read (µs, `process.hrtime` clock). */
export interface ProfileInput {
  profile: CpuProfile;
  window?: { fromUs: number; toUs: number } | undefined;
}

/**
 * Self time per group over one or more profiles of the same side (one per
 * repetition). A window leaves out what a child did before and after the load.
 */
export function summarizeProfiles(
  inputs: readonly ProfileInput[],
  limit = 8,
): ProfileSummary {
  const byGroup = new Map<string, Map<string, number>>();
  let total = 0;
  for (const { profile, window } of inputs) {
    const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    let at = profile.startTime;
    for (let i = 0; i < samples.length; i += 1) {
      at += deltas[i] ?? 0;
      // A sample stands for the time until the next one.
      const us = deltas[i + 1] ?? 0;
      if (window && (at < window.fromUs || at > window.toUs)) continue;
      const frame = frames.get(samples[i] ?? -1);
      if (!frame) continue;
      total += us;
      const functions =
        byGroup.get(groupOf(frame)) ?? new Map<string, number>();
      const name = functionLabel(frame);
      functions.set(name, (functions.get(name) ?? 0) + us);
      byGroup.set(groupOf(frame), functions);
    }
  }
  const idleUs = sum(byGroup.get(IDLE)?.values() ?? []);
  const busyUs = total - idleUs;
  const groups = [...byGroup.entries()]
    .filter(([group]) => group !== IDLE)
    .map(([group, functions]) => {
      const selfUs = sum(functions.values());
      const [top = ''] =
        [...functions.entries()].sort((a, b) => b[1] - a[1])[0] ?? [];
      return {
        group,
        selfMs: selfUs / 1_000,
        percent: busyUs > 0 ? (selfUs / busyUs) * 100 : 0,
        top,
      };
    })
    .filter((g) => g.selfMs > 0)
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, limit);
  return {
    sampledMs: total / 1_000,
    idlePercent: total > 0 ? (idleUs / total) * 100 : 0,
    groups,
  };
}

function functionLabel(frame: CpuProfile['nodes'][number]['callFrame']) {
  const name = frame.functionName || '(anonymous)';
  return frame.url
    ? `${name} (${basename(frame.url)}:${frame.lineNumber + 1})`
    : name;
}

export function formatSummary(title: string, summary: ProfileSummary): string {
  const head = `${title}: ${(summary.sampledMs / 1_000).toFixed(1)} s sampled, ${summary.idlePercent.toFixed(0)} % idle; self time of the rest:`;
  const lines = summary.groups.map(
    (g) =>
      `  ${g.percent.toFixed(1).padStart(5)} %  ${g.group.padEnd(20)} ${g.top}`,
  );
  return [head, ...lines].join('\n');
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
